namespace SlateFast;

/// <summary>
/// What a database holds as far as SlateDB format versions go, and what SlateFast can do with it
/// (<see cref="DbAdmin.InspectFormatAsync"/>, <c>slatefast info</c>).
/// </summary>
/// <param name="Level">The format level the objects show (what a writer with <see cref="FormatLevel.Detect"/> writes at).</param>
/// <param name="ManifestId">The newest manifest's id.</param>
/// <param name="ManifestVersion">Its format version: 1, or 2 for a segmented database.</param>
/// <param name="WriterEpoch">The writer epoch it records.</param>
/// <param name="CompactorEpoch">The compactor epoch it records.</param>
/// <param name="CompactionsId">The newest compactions file's id, if any.</param>
/// <param name="CompactionsFormat">Its format version (1: SlateDB 0.12; 2: 0.13+), if any.</param>
/// <param name="ManifestBoundary">The manifest namespace's GC boundary (0: none).</param>
/// <param name="CompactionsBoundary">The compactions namespace's GC boundary (0: none).</param>
/// <param name="WalObjects">WAL objects present.</param>
/// <param name="ZeroByteFences">Of those, zero-byte fences (SlateDB 0.14+).</param>
/// <param name="Ssts">SSTs the newest manifest refers to (root tree and segments).</param>
/// <param name="CompositeFilterSsts">Of those, SSTs declaring a composite filter block (SlateDB 0.13+).</param>
/// <param name="Segments">Segments (SlateDB 0.13+).</param>
/// <param name="SegmentExtractorName">The segment extractor's name, when segmented.</param>
/// <param name="Limitation">Why SlateFast cannot write or compact the database, or null when it can.</param>
public sealed record FormatReport(
    FormatLevel Level,
    ulong ManifestId,
    int ManifestVersion,
    ulong WriterEpoch,
    ulong CompactorEpoch,
    ulong? CompactionsId,
    int? CompactionsFormat,
    ulong ManifestBoundary,
    ulong CompactionsBoundary,
    int WalObjects,
    int ZeroByteFences,
    int Ssts,
    int CompositeFilterSsts,
    int Segments,
    string? SegmentExtractorName,
    string? Limitation)
{
    /// <summary>Whether a SlateFast writer can open the database (and its compactor compact it).</summary>
    public bool CanWrite => Limitation is null;
}
