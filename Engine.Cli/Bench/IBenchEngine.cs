using System.Buffers;

namespace SlateFast.Cli.Bench;

/// <summary>
/// One database under test, opened on a fresh folder or store prefix by <see cref="WorkloadRunner"/>.
/// Implemented for SlateFast here and for the .NET-hosted peers (RocksDB, ZoneTree, FASTER, LMDB)
/// in Engine.Benchmarks; SlateDB runs the same plan in its own Node process instead.
/// </summary>
internal interface IBenchEngine : IAsyncDisposable
{
    /// <summary>A short name for reports, e.g. "slatefast".</summary>
    string Name { get; }

    /// <summary>The settings that matter for comparisons, printed in reports.</summary>
    string Settings { get; }

    ValueTask PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, bool durable);

    /// <summary>Writes records [start, end) of <paramref name="ops"/> in one non-durable batch.</summary>
    ValueTask PutBatchAsync(OpList ops, int start, int end, WorkloadPlan plan);

    /// <summary>Appends the value of <paramref name="key"/> to <paramref name="value"/>; false when absent.</summary>
    ValueTask<bool> GetAsync(ReadOnlyMemory<byte> key, ArrayBufferWriter<byte> value);

    /// <summary>
    /// Seeks to <paramref name="start"/> and reads up to <paramref name="limit"/> rows; copies the
    /// first and last row's keys and the last row's value into the buffers and returns the row count.
    /// </summary>
    ValueTask<int> ScanAsync(ReadOnlyMemory<byte> start, int limit, Memory<byte> firstKey, Memory<byte> lastKey, ArrayBufferWriter<byte> lastValue);

    /// <summary>Makes everything written so far durable and moves the memtable to storage (SST).</summary>
    Task FlushAsync();

    /// <summary>Scans every row once with block caching on; returns the row count.</summary>
    Task<long> ScanAllAsync();

    /// <summary>Object-store requests so far, when the engine counts them.</summary>
    long? StoreRequests { get; }

    /// <summary>Bytes handed to storage so far, when the engine counts them (otherwise the process's write syscalls are used).</summary>
    long? StoreBytesWritten { get; }

    /// <summary>Native memory the engine holds outside the GC heap, when it tracks it.</summary>
    long? NativeMemoryBytes { get; }
}
