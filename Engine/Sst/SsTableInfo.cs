namespace SlateFast.Sst;

/// <summary>
/// An SST's footer metadata (the <c>SsTableInfo</c> table): where the index, filter and stats
/// sections are, the codec of every section, and the first/last entry. Lengths include each
/// section's 4-byte CRC. Byte fields are copies, never views of the buffer they came from.
/// </summary>
internal sealed record SsTableInfo
{
    /// <summary>Compacted SST: first key; WAL SST: 8-byte big-endian seq of the first row; null if no rows.</summary>
    public ReadOnlyMemory<byte>? FirstEntry { get; init; }

    /// <summary>Compacted SST: last key; WAL SST: null.</summary>
    public ReadOnlyMemory<byte>? LastEntry { get; init; }

    public ulong IndexOffset { get; init; }

    public ulong IndexLength { get; init; }

    /// <summary>Always the end of the data blocks, even without a filter.</summary>
    public ulong FilterOffset { get; init; }

    /// <summary>0 when the SST has no filter.</summary>
    public ulong FilterLength { get; init; }

    public CompressionCodec Compression { get; init; }

    public SstType SstType { get; init; }

    public ulong StatsOffset { get; init; }

    /// <summary>0 when the SST has no stats section.</summary>
    public ulong StatsLength { get; init; }

    public bool Equals(SsTableInfo? other) =>
        other is not null
        && BytesEqual(FirstEntry, other.FirstEntry)
        && BytesEqual(LastEntry, other.LastEntry)
        && IndexOffset == other.IndexOffset
        && IndexLength == other.IndexLength
        && FilterOffset == other.FilterOffset
        && FilterLength == other.FilterLength
        && Compression == other.Compression
        && SstType == other.SstType
        && StatsOffset == other.StatsOffset
        && StatsLength == other.StatsLength;

    public override int GetHashCode() =>
        HashCode.Combine(IndexOffset, IndexLength, FilterOffset, FilterLength, Compression, SstType, StatsOffset, StatsLength);

    internal static bool BytesEqual(ReadOnlyMemory<byte>? a, ReadOnlyMemory<byte>? b) =>
        a.HasValue == b.HasValue && (!a.HasValue || a.GetValueOrDefault().Span.SequenceEqual(b.GetValueOrDefault().Span));
}
