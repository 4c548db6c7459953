using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Iterators;

/// <summary>
/// Hands an SST cursor its data blocks, keeping ranged reads in flight ahead of it in the scan
/// direction: each read covers consecutive blocks up to <see cref="RowScanOptions.ReadAheadBytes"/>
/// (at least one block), and up to <see cref="RowScanOptions.MaxFetchTasks"/> reads run ahead of
/// the block being read. Blocks already in the provider's cache are not read.
/// </summary>
/// <remarks>
/// A request that is not the next block in the direction (a seek, or a change of direction)
/// drops the reads ahead and starts over at the requested block. Chunk objects are reused, so a
/// scan over cached blocks allocates nothing; a real read allocates its bytes and, when the store
/// completes asynchronously, the read's state machine.
/// </remarks>
internal sealed class BlockPrefetcher : IAsyncDisposable
{
    private readonly IObjectStore _store;
    private readonly SstFile _file;
    private readonly UInt128 _sstId;
    private readonly IBlockProvider? _provider;
    private readonly RowScanOptions _options;
    private readonly CancellationToken _cancellationToken;
    private readonly Queue<Chunk> _chunks = new();
    private readonly Stack<Chunk> _free = new();
    private Chunk? _tail;
    private bool _forward = true;

    public BlockPrefetcher(IObjectStore store, SstFile file, UInt128 sstId, IBlockProvider? provider, RowScanOptions options, int firstBlock, int lastBlock, CancellationToken cancellationToken)
    {
        _store = store;
        _file = file;
        _sstId = sstId;
        _provider = provider;
        _options = options;
        _cancellationToken = cancellationToken;
        FirstBlock = firstBlock;
        LastBlock = lastBlock;
    }

    /// <summary>The lowest block the scan's range can need; nothing before it is read ahead.</summary>
    public int FirstBlock { get; }

    /// <summary>The highest block the scan's range can need; nothing after it is read ahead.</summary>
    public int LastBlock { get; }

    /// <summary>Block <paramref name="block"/>, decoded; the caller disposes the handle.</summary>
    public async ValueTask<BlockHandle> GetAsync(int block, bool forward)
    {
        if (forward != _forward)
        {
            await DropAllAsync().ConfigureAwait(false);
            _forward = forward;
        }

        while (_chunks.TryPeek(out var head) && (block < head.Lo || block > head.Hi))
        {
            var behind = forward ? head.Hi < block : head.Lo > block;
            if (!behind)
            {
                await DropAllAsync().ConfigureAwait(false);
                break;
            }

            await DropAsync(_chunks.Dequeue()).ConfigureAwait(false);
        }

        if (_chunks.Count == 0)
        {
            Schedule(block);
        }

        TopUp();
        var chunk = _chunks.Peek();
        if (!chunk.Awaited)
        {
            chunk.Awaited = true;
            await chunk.Pending.ConfigureAwait(false);
        }

        var handle = chunk.Blocks[block - chunk.Lo];
        chunk.Blocks[block - chunk.Lo] = default;
        if (handle.IsEmpty)
        {
            // Handed out before (the cursor stepped back into it): read it again on its own.
            var single = Rent(block, block);
            try
            {
                await Fill(single).ConfigureAwait(false);
                handle = single.Blocks[0];
                single.Blocks[0] = default;
            }
            finally
            {
                _free.Push(single);
            }
        }

        return handle;
    }

    public async ValueTask DisposeAsync() => await DropAllAsync().ConfigureAwait(false);

    private void Schedule(int start)
    {
        int lo = start, hi = start;
        long bytes = _file.BlockRange(start).Length;
        if (_forward)
        {
            while (hi < LastBlock && bytes + _file.BlockRange(hi + 1).Length <= _options.ReadAheadBytes)
            {
                hi++;
                bytes += _file.BlockRange(hi).Length;
            }
        }
        else
        {
            while (lo > FirstBlock && bytes + _file.BlockRange(lo - 1).Length <= _options.ReadAheadBytes)
            {
                lo--;
                bytes += _file.BlockRange(lo).Length;
            }
        }

        var chunk = Rent(lo, hi);
        chunk.Pending = Fill(chunk);
        _chunks.Enqueue(chunk);
        _tail = chunk;
    }

    // Keeps MaxFetchTasks reads in flight beyond the chunk being read, while reads are real: once
    // the newest chunk came whole from the cache, the next is looked up when asked for. A short
    // scan over cached blocks (a seek and 100 rows) then takes no lease on a block it never
    // reaches, in each of the merge's sources: the extra lookups were a sixth of a seek's time.
    private void TopUp()
    {
        while (_chunks.Count <= _options.MaxFetchTasks && _tail is not null && !(_tail.Pending.IsCompletedSuccessfully && !_tail.Fetched))
        {
            var next = _forward ? _tail.Hi + 1 : _tail.Lo - 1;
            if (next < FirstBlock || next > LastBlock)
            {
                return;
            }

            Schedule(next);
        }
    }

    private Chunk Rent(int lo, int hi)
    {
        var chunk = _free.Count > 0 ? _free.Pop() : new Chunk();
        chunk.Lo = lo;
        chunk.Hi = hi;
        chunk.Awaited = false;
        chunk.Fetched = false;
        chunk.Pending = default;
        if (chunk.Blocks.Length < hi - lo + 1)
        {
            chunk.Blocks = new BlockHandle[hi - lo + 1];
        }

        return chunk;
    }

    private async ValueTask Fill(Chunk chunk)
    {
        try
        {
            int firstMiss = -1, lastMiss = -1;
            for (var b = chunk.Lo; b <= chunk.Hi; b++)
            {
                if (_provider is not null && _provider.TryGet(_sstId, _file.BlockRange(b).Offset, out var cached))
                {
                    chunk.Blocks[b - chunk.Lo] = cached;
                }
                else
                {
                    firstMiss = firstMiss < 0 ? b : firstMiss;
                    lastMiss = b;
                }
            }

            chunk.Fetched = firstMiss >= 0;
            if (firstMiss < 0)
            {
                return;
            }

            var start = _file.BlockRange(firstMiss).Offset;
            var (lastOffset, lastLength) = _file.BlockRange(lastMiss);
            var length = checked((int)(lastOffset + lastLength - start));
            var bytes = await _store.GetRangeAsync(_file.Path, start, length, _cancellationToken).ConfigureAwait(false);
            if (bytes.Length != length)
            {
                ThrowHelper.Data($"{_file.Path}: expected {length} bytes at offset {start}, the object has only {bytes.Length} there");
            }

            for (var b = firstMiss; b <= lastMiss; b++)
            {
                if (!chunk.Blocks[b - chunk.Lo].IsEmpty)
                {
                    continue;
                }

                var (offset, stored) = _file.BlockRange(b);
                var decoded = _file.DecodeBlock(b, bytes.Slice((int)(offset - start), stored));
                chunk.Blocks[b - chunk.Lo] = _provider?.Admit(_sstId, offset, decoded) ?? new BlockHandle(decoded);
            }
        }
        catch
        {
            Release(chunk);
            throw;
        }
    }

    private async ValueTask DropAllAsync()
    {
        while (_chunks.TryDequeue(out var chunk))
        {
            await DropAsync(chunk).ConfigureAwait(false);
        }

        _tail = null;
    }

    private async ValueTask DropAsync(Chunk chunk)
    {
        if (!chunk.Awaited)
        {
            chunk.Awaited = true;
            try
            {
                await chunk.Pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A read ahead nobody needs any more: its failure does not concern the scan.
            }
        }

        Release(chunk);
        if (ReferenceEquals(chunk, _tail))
        {
            _tail = null;
        }

        _free.Push(chunk);
    }

    private static void Release(Chunk chunk)
    {
        for (var i = 0; i <= chunk.Hi - chunk.Lo; i++)
        {
            chunk.Blocks[i].Dispose();
            chunk.Blocks[i] = default;
        }
    }

    private sealed class Chunk
    {
        public int Lo;
        public int Hi;
        public bool Awaited;
        // Whether filling it read from the store (some block was not cached).
        public bool Fetched;
        public ValueTask Pending;
        public BlockHandle[] Blocks = new BlockHandle[1];
    }
}
