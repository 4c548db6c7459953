using System.Buffers;
using System.Runtime.InteropServices;
using SlateFast.Cli.Bench;
using ZoneTree;
using ZoneTree.Comparers;
using ZoneTree.Hashers;
using ZoneTree.Options;
using ZoneTree.Serializers;

namespace SlateFast.Benchmarks.Compare;

/// <summary>
/// ZoneTree (NuGet <c>ZoneTree</c>, Tenray's pure C# LSM tree) under test with byte keys in
/// memcmp order and byte values, both <see cref="Memory{T}"/> of byte (its byte-array key type).
/// Configured like SlateFast where they share a concept: the mutable segment (its memtable) holds
/// 64 MiB of keys and values (ZoneTree counts records, so the count is 64 MiB over the workload's
/// record size), a 10-bit bloom filter on it (its disk segments have none: they search a sparse
/// index), no compression of disk segments, deletion disabled (no workload deletes), and
/// ZoneTree's own maintainer merging in the background as an application would run it.
/// ZoneTree has no byte budget for its disk block cache: blocks stay cached until idle for its
/// maintainer's lifetime (1 minute), so at these scales everything read stays cached, as it does
/// in the 512 MiB caches of the others.
/// The WAL is on for every run; its mode is chosen per run because ZoneTree sets it per tree:
/// non-durable runs use its default and recommended mode, AsyncCompressed (a background writer
/// appends the log), durable runs its strongest, Sync (the caller appends each record to the log
/// file before the put returns), and every durable put then awaits <c>SyncWALAsync</c>, which
/// fsyncs the log (ZoneTree's documented way to make a write survive a power loss; concurrent
/// callers share one fsync). The key comparer is memcmp over spans, ZoneTree's own byte-array
/// comparer compares a byte at a time. ZoneTree keeps the key and value objects it is given, so a
/// put copies both out of the caller's buffers.
/// </summary>
internal sealed class ZoneTreeBenchEngine : IBenchEngine
{
    private const long MutableSegmentBytes = 64L << 20;
    private const int BloomBitsPerKey = 10;

    private readonly IZoneTree<Memory<byte>, Memory<byte>> _tree;
    private readonly IMaintainer _maintainer;
    private int _closed;

    /// <param name="folder">An empty folder for the tree's data and log.</param>
    /// <param name="durable">Whether the run makes durable puts (selects the WAL mode).</param>
    /// <param name="recordBytes">Key plus value bytes of the workload (sizes the mutable segment).</param>
    public ZoneTreeBenchEngine(string folder, bool durable, int recordBytes)
    {
        Directory.CreateDirectory(folder);
        _tree = new ZoneTreeFactory<Memory<byte>, Memory<byte>>()
            .SetDataDirectory(Path.Combine(folder, "data"))
            .SetWriteAheadLogDirectory(Path.Combine(folder, "wal"))
            .SetComparer(new MemcmpComparer())
            .SetKeyHasher(new ByteArrayKeyHasher())
            .SetKeySerializer(new ByteArraySerializer())
            .SetValueSerializer(new ByteArraySerializer())
            .SetMutableSegmentMaxItemCount(MutableSegmentRecords(recordBytes))
            .SetMutableSegmentBloomFilterBitsPerItem(BloomBitsPerKey)
            .DisableDeletion()
            .ConfigureWriteAheadLogOptions(o => o.WriteAheadLogMode = durable ? WriteAheadLogMode.Sync : WriteAheadLogMode.AsyncCompressed)
            .ConfigureDiskSegmentOptions(o => o.CompressionMethod = CompressionMethod.None)
            .OpenOrCreate();
        _maintainer = _tree.CreateMaintainer();
    }

    public static string Describe =>
        $"ZoneTree {typeof(IZoneTree<,>).Assembly.GetName().Version?.ToString(3)} (NuGet ZoneTree, pure C#): " +
        $"mutable segment of {MutableSegmentBytes >> 20} MiB of records (a record count: 64 MiB / (key + value)), bloom {BloomBitsPerKey} bits/key on it, " +
        "disk segments uncompressed (multi-part, default sizes), block cache without a byte budget (1 min idle lifetime), memcmp key order, " +
        "deletion disabled, its maintainer merging in the background; WAL on (non-durable runs: AsyncCompressed, the default; " +
        "durable runs: Sync mode plus an awaited SyncWALAsync fsync after each put, shared by concurrent callers)";

    public string Name => "zonetree";

    public string Settings => Describe;

    public long? StoreRequests => null;

    public long? StoreBytesWritten => null;

    public long? NativeMemoryBytes => null;

    public async ValueTask PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, bool durable)
    {
        Memory<byte> k = key.ToArray();
        Memory<byte> v = value.ToArray();
        _tree.Upsert(in k, in v);
        if (durable)
        {
            await _tree.SyncWALAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public ValueTask PutBatchAsync(OpList ops, int start, int end, WorkloadPlan plan)
    {
        // ZoneTree has no write batch outside transactions: the batch is its puts.
        for (var i = start; i < end; i++)
        {
            Memory<byte> k = ops.Key(i).ToArray();
            Memory<byte> v = plan.Value(ops.ValueOffset(i)).ToArray();
            _tree.Upsert(in k, in v);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> GetAsync(ReadOnlyMemory<byte> key, ArrayBufferWriter<byte> value)
    {
        // A lookup does not keep the key, so it can point into the caller's buffer.
        var k = MemoryMarshal.AsMemory(key);
        if (!_tree.TryGet(in k, out var found))
        {
            return ValueTask.FromResult(false);
        }

        value.Write(found.Span);
        return ValueTask.FromResult(true);
    }

    public ValueTask<int> ScanAsync(ReadOnlyMemory<byte> start, int limit, Memory<byte> firstKey, Memory<byte> lastKey, ArrayBufferWriter<byte> lastValue)
    {
        // NoRefresh: the segments present at creation, not re-listed on every step (AutoRefresh).
        using var iterator = _tree.CreateIterator(IteratorType.NoRefresh, includeDeletedRecords: false, contributeToTheBlockCache: true);
        var k = MemoryMarshal.AsMemory(start);
        iterator.Seek(in k);
        var rows = 0;
        while (rows < limit && iterator.Next())
        {
            var key = iterator.CurrentKey.Span;
            if (rows == 0)
            {
                key[..Math.Min(key.Length, firstKey.Length)].CopyTo(firstKey.Span);
            }

            key[..Math.Min(key.Length, lastKey.Length)].CopyTo(lastKey.Span);
            lastValue.ResetWrittenCount();
            lastValue.Write(iterator.CurrentValue.Span);
            rows++;
        }

        return ValueTask.FromResult(rows);
    }

    public async Task FlushAsync()
    {
        // The mutable segment becomes read-only and is merged into the disk segment; a merge that
        // was already running may not take it, so merge until no in-memory segment is left.
        _maintainer.EvictToDisk();
        await _maintainer.WaitForBackgroundThreadsAsync().ConfigureAwait(false);
        while (_tree.Maintenance.ReadOnlySegmentsCount > 0)
        {
            _maintainer.StartMerge();
            await _maintainer.WaitForBackgroundThreadsAsync().ConfigureAwait(false);
        }

        await _tree.SyncWALAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public Task<long> ScanAllAsync()
    {
        using var iterator = _tree.CreateIterator(IteratorType.NoRefresh, includeDeletedRecords: false, contributeToTheBlockCache: true);
        long rows = 0;
        while (iterator.Next())
        {
            rows++;
        }

        return Task.FromResult(rows);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            await _maintainer.WaitForBackgroundThreadsAsync().ConfigureAwait(false);
            _maintainer.Dispose();
            _tree.Dispose();
        }
    }

    private static int MutableSegmentRecords(int recordBytes) => (int)Math.Max(1_000, MutableSegmentBytes / Math.Max(1, recordBytes));

    /// <summary>memcmp order (unsigned bytes, a prefix first), vectorised by <see cref="MemoryExtensions.SequenceCompareTo{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>.</summary>
    private sealed class MemcmpComparer : IRefComparer<Memory<byte>>
    {
        public int Compare(in Memory<byte> x, in Memory<byte> y) => Math.Sign(x.Span.SequenceCompareTo(y.Span));
    }
}
