namespace SlateFast.Manifest;

/// <summary>
/// Field ids of the manifest root tables as SlateDB's <c>manifest.fbs</c> numbers them (spec §3):
/// the schemas that verify a file and the codecs that read and write one all take them from here.
/// <c>ManifestV2</c> kept <c>ManifestV1</c>'s first seven fields under the same ids; these are they.
/// </summary>
internal static class ManifestHeadFields
{
    public const int ManifestId = 0;
    public const int ExternalDbs = 1;
    public const int Initialized = 2;
    public const int WriterEpoch = 3;
    public const int CompactorEpoch = 4;
    public const int ReplayAfterWalId = 5;
    public const int WalIdLastSeen = 6;
}

/// <summary><c>ManifestV1</c>'s fields after the head (what SlateDB 0.12 writes).</summary>
internal static class ManifestV1Fields
{
    public const int L0LastCompacted = 7;
    public const int L0 = 8;
    public const int Compacted = 9;
    public const int LastL0ClockTick = 10;
    public const int Checkpoints = 11;
    public const int LastL0Seq = 12;
    public const int WalObjectStoreUri = 13;
    public const int RecentSnapshotMinSeq = 14;
    public const int SequenceTrackerField = 15;
}

/// <summary><c>ManifestV2</c>'s fields after the head (SlateDB 0.13+ for a segmented database): SSTs listed once, trees of views, segments.</summary>
internal static class ManifestV2Fields
{
    public const int LastCompactedL0SstViewId = 7;
    public const int Ssts = 8;
    public const int L0 = 9;
    public const int Compacted = 10;
    public const int LastL0ClockTick = 11;
    public const int Checkpoints = 12;
    public const int LastL0Seq = 13;
    public const int RecentSnapshotMinSeq = 14;
    public const int SequenceTrackerField = 15;
    public const int Segments = 16;
    public const int SegmentExtractorName = 17;
}
