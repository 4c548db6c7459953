namespace SlateFast.Sst;

/// <summary>
/// The <c>FilterFormat</c> enum of SlateDB 0.13's <c>sst.fbs</c>: a legacy filter section is one
/// bloom filter; a composite one is a list of named filters.
/// </summary>
internal enum FilterFormat : byte
{
    Legacy = 0,
    Composite = 1,
}

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

    /// <summary>How the filter section is laid out (SlateDB 0.13+ field; absent means legacy).</summary>
    public FilterFormat FilterFormat { get; init; }

    /// <summary>
    /// Set once this (manifest) copy's first and last keys were found equal to the SST's own
    /// (<see cref="SstBounds"/>); not part of equality, and only ever goes from false to true.
    /// </summary>
    internal bool BoundsVerified { get; set; }

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
        && StatsLength == other.StatsLength
        && FilterFormat == other.FilterFormat;

    public override int GetHashCode() =>
        HashCode.Combine(IndexOffset, IndexLength, FilterOffset, FilterLength, Compression, SstType, StatsOffset, StatsLength);

    internal static bool BytesEqual(ReadOnlyMemory<byte>? a, ReadOnlyMemory<byte>? b) =>
        a.HasValue == b.HasValue && (!a.HasValue || a.GetValueOrDefault().Span.SequenceEqual(b.GetValueOrDefault().Span));
}
