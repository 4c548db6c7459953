using SlateFast.Cache;

namespace SlateFast.Iterators;

/// <summary>A decoded data block a reader holds: its bytes stay valid until <see cref="Dispose"/>.</summary>
/// <remarks>A struct so a cache hit allocates nothing; dispose it exactly once.</remarks>
internal readonly struct BlockHandle : IDisposable
{
    private readonly BlockLease _lease;

    /// <summary>A block the garbage collector keeps alive (not cached).</summary>
    public BlockHandle(ReadOnlyMemory<byte> memory)
    {
        Memory = memory;
        _lease = default;
    }

    /// <summary>A block held by a cache lease.</summary>
    public BlockHandle(BlockLease lease)
    {
        Memory = lease.Memory;
        _lease = lease;
    }

    public ReadOnlyMemory<byte> Memory { get; }

    public bool IsEmpty => Memory.IsEmpty && !_lease.HasValue;

    public void Dispose() => _lease.Dispose();
}

/// <summary>
/// Where SST sources look for decoded blocks before reading the store, and where they offer the
/// blocks they read. DbHandle plugs its <see cref="BlockCache"/> in through
/// <see cref="CachedBlockProvider"/>; without a provider every block is read from the store.
/// </summary>
/// <remarks>Blocks are named by SST id and the block's byte offset in the SST. Implementations are thread-safe.</remarks>
internal interface IBlockProvider
{
    /// <summary>A resident block, without I/O; false on a miss.</summary>
    bool TryGet(UInt128 sstId, long offset, out BlockHandle block);

    /// <summary>Offers a block just read and decoded; returns the handle the reader keeps (cached or not).</summary>
    BlockHandle Admit(UInt128 sstId, long offset, ReadOnlyMemory<byte> block);
}

/// <summary>Reads and inserts data blocks of compacted SSTs in a <see cref="BlockCache"/>.</summary>
/// <param name="cache">The cache; it may be shared by several databases.</param>
/// <param name="scope">Keeps this database's blocks apart from other users of the cache.</param>
/// <param name="insert">False reads cached blocks but leaves fetched ones out (a scan with <see cref="RowScanOptions.CacheBlocks"/> off).</param>
internal sealed class CachedBlockProvider(BlockCache cache, ulong scope, bool insert) : IBlockProvider
{
    public bool TryGet(UInt128 sstId, long offset, out BlockHandle block)
    {
        if (cache.TryGet(BlockCacheKey.Compacted(scope, sstId, offset), BlockKind.Data, out var lease))
        {
            block = new BlockHandle(lease);
            return true;
        }

        block = default;
        return false;
    }

    public BlockHandle Admit(UInt128 sstId, long offset, ReadOnlyMemory<byte> block) => insert
        ? new BlockHandle(cache.Insert(BlockCacheKey.Compacted(scope, sstId, offset), BlockKind.Data, block.Span))
        : new BlockHandle(block);
}
