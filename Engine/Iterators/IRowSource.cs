using SlateFast.Format;

namespace SlateFast.Iterators;

/// <summary>The order a scan visits keys in.</summary>
internal enum ScanDirection : byte
{
    /// <summary>Keys ascending; versions of one key newest (highest seq) first.</summary>
    Ascending = 0,

    /// <summary>Keys descending; versions of one key still newest (highest seq) first.</summary>
    Descending = 1,
}

/// <summary>
/// A cursor over the rows (every version) of one source — a memtable, an L0 SST, a sorted run —
/// in one <see cref="Direction"/>, clipped to a key range fixed when the source is made.
/// </summary>
/// <remarks>
/// <para>Order: keys in <see cref="Direction"/>, and within one key the versions by seq descending
/// in both directions. A descending source is therefore not the reverse of an ascending one; the
/// merge logic relies on seeing each key's newest version first from every source.</para>
/// <para>A new source is unpositioned: the first <see cref="MoveNextAsync"/> moves to its first row.
/// <see cref="SeekAsync"/> moves to the first row at or after the target in the direction
/// (ascending: first version of the smallest key &gt;= target; descending: newest version of the
/// largest key &lt;= target) and may be called at any time. Both return false once no row is left.</para>
/// <para>The row members are valid while <see cref="IsValid"/> and only until the next move; spans
/// point into memory the source owns. The methods return <see cref="ValueTask{TResult}"/> so
/// in-memory sources, and SST sources between block fetches, complete synchronously and allocate
/// nothing. Not thread-safe: one reader at a time.</para>
/// </remarks>
internal interface IRowSource : IAsyncDisposable
{
    ScanDirection Direction { get; }

    /// <summary>Whether the source is on a row.</summary>
    bool IsValid { get; }

    ReadOnlySpan<byte> Key { get; }

    /// <summary>The value or merge operand; empty for a tombstone.</summary>
    ReadOnlySpan<byte> Value { get; }

    ulong Seq { get; }

    RowKind Kind { get; }

    long? CreateTs { get; }

    long? ExpireTs { get; }

    ValueTask<bool> MoveNextAsync();

    ValueTask<bool> SeekAsync(ReadOnlyMemory<byte> key);
}
