using System.Collections.Immutable;

namespace SlateFast.Sst;

/// <summary>Row counts of one data block (the <c>BlockStats</c> table).</summary>
internal readonly record struct BlockStats(ushort Puts, ushort Deletes, ushort Merges);

/// <summary>
/// An SST's stats section (the <c>SstStats</c> table): row totals, key/value byte totals
/// (tombstones count 0 value bytes) and per-block counts in block order.
/// </summary>
internal sealed record SstStats
{
    public ulong Puts { get; init; }

    public ulong Deletes { get; init; }

    public ulong Merges { get; init; }

    public ulong RawKeySize { get; init; }

    public ulong RawValueSize { get; init; }

    /// <summary>One entry per data block; empty when the SST has no blocks (the vector is then omitted).</summary>
    public ImmutableArray<BlockStats> Blocks { get; init; } = ImmutableArray<BlockStats>.Empty;

    public bool Equals(SstStats? other) =>
        other is not null
        && Puts == other.Puts
        && Deletes == other.Deletes
        && Merges == other.Merges
        && RawKeySize == other.RawKeySize
        && RawValueSize == other.RawValueSize
        && Blocks.AsSpan().SequenceEqual(other.Blocks.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Puts, Deletes, Merges, RawKeySize, RawValueSize, Blocks.Length);
}
