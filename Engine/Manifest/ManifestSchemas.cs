using SlateFast.Format.FlatBuffers;
using SlateFast.Sst;

namespace SlateFast.Manifest;

/// <summary>
/// The tables of SlateDB's <c>common.fbs</c>, <c>manifest.fbs</c> (0.13+: segments) and the manifest
/// entries of <c>sst.fbs</c>, as verifier schemas (names and ids as in the schema files); the
/// compactor's tables are in <see cref="CompactionsSchemas"/>.
/// </summary>
internal static class ManifestSchemas
{
    public static readonly FlatTableSchema Ulid = new(
        "Ulid",
        FlatField.Scalar("high", 0, FlatKind.U64),
        FlatField.Scalar("low", 1, FlatKind.U64));

    public static readonly FlatTableSchema Uuid = new(
        "Uuid",
        FlatField.Scalar("high", 0, FlatKind.U64),
        FlatField.Scalar("low", 1, FlatKind.U64));

    public static readonly FlatTableSchema BytesBound = new(
        "BytesBound",
        FlatField.Vector("key", 0, FlatKind.Bytes),
        FlatField.Enum("bound_type", 1, max: 3));

    public static readonly FlatTableSchema BytesRange = new(
        "BytesRange",
        FlatField.Of("start_bound", 0, BytesBound, required: true),
        FlatField.Of("end_bound", 1, BytesBound, required: true));

    public static readonly FlatTableSchema CompactedSsTable = new(
        "CompactedSsTable",
        FlatField.Of("id", 0, Ulid, required: true),
        FlatField.Of("info", 1, SstSchemas.SsTableInfo, required: true),
        FlatField.Of("visible_range", 2, BytesRange),
        FlatField.Scalar("format_version", 3, FlatKind.U16));

    public static readonly FlatTableSchema CompactedSsTableV2 = new(
        "CompactedSsTableV2",
        FlatField.Of("id", 0, Ulid, required: true),
        FlatField.Of("info", 1, SstSchemas.SsTableInfo, required: true),
        FlatField.Scalar("format_version", 2, FlatKind.U16));

    public static readonly FlatTableSchema CompactedSsTableView = new(
        "CompactedSsTableView",
        FlatField.Of("id", 0, Ulid, required: true),
        FlatField.Of("sst_id", 1, Ulid, required: true),
        FlatField.Of("visible_range", 2, BytesRange));

    public static readonly FlatTableSchema SortedRun = new(
        "SortedRun",
        FlatField.Scalar("id", 0, FlatKind.U32),
        FlatField.VectorOf("ssts", 1, CompactedSsTable, required: true));

    public static readonly FlatTableSchema SortedRunV2 = new(
        "SortedRunV2",
        FlatField.Scalar("id", 0, FlatKind.U32),
        FlatField.VectorOf("ssts", 1, CompactedSsTableView, required: true));

    public static readonly FlatTableSchema ExternalDb = new(
        "ExternalDb",
        FlatField.Vector("path", 0, FlatKind.String, required: true),
        FlatField.Of("source_checkpoint_id", 1, Uuid, required: true),
        FlatField.Of("final_checkpoint_id", 2, Uuid),
        FlatField.VectorOf("sst_ids", 3, Ulid, required: true));

    public static readonly FlatTableSchema WriterCheckpoint = new(
        "WriterCheckpoint",
        FlatField.Scalar("epoch", 0, FlatKind.U64));

    public static readonly FlatTableSchema Checkpoint = new(
        "Checkpoint",
        FlatField.Of("id", 0, Uuid, required: true),
        FlatField.Scalar("manifest_id", 1, FlatKind.U64),
        FlatField.Scalar("checkpoint_expire_time_s", 2, FlatKind.U32),
        FlatField.Scalar("checkpoint_create_time_s", 3, FlatKind.U32),
        FlatField.Union("metadata", 4, required: false, null, WriterCheckpoint),
        FlatField.Vector("name", 6, FlatKind.String));

    // The fields ManifestV2 kept from ManifestV1, under the same ids.
    private static FlatField[] Head() =>
    [
        FlatField.Scalar("manifest_id", ManifestHeadFields.ManifestId, FlatKind.U64),
        FlatField.VectorOf("external_dbs", ManifestHeadFields.ExternalDbs, ExternalDb),
        FlatField.Scalar("initialized", ManifestHeadFields.Initialized, FlatKind.Bool),
        FlatField.Scalar("writer_epoch", ManifestHeadFields.WriterEpoch, FlatKind.U64),
        FlatField.Scalar("compactor_epoch", ManifestHeadFields.CompactorEpoch, FlatKind.U64),
        FlatField.Scalar("replay_after_wal_id", ManifestHeadFields.ReplayAfterWalId, FlatKind.U64),
        FlatField.Scalar("wal_id_last_seen", ManifestHeadFields.WalIdLastSeen, FlatKind.U64),
    ];

    public static readonly FlatTableSchema ManifestV1 = new(
        "ManifestV1",
        [
            .. Head(),
            FlatField.Of("l0_last_compacted", ManifestV1Fields.L0LastCompacted, Ulid),
            FlatField.VectorOf("l0", ManifestV1Fields.L0, CompactedSsTable, required: true),
            FlatField.VectorOf("compacted", ManifestV1Fields.Compacted, SortedRun, required: true),
            FlatField.Scalar("last_l0_clock_tick", ManifestV1Fields.LastL0ClockTick, FlatKind.I64),
            FlatField.VectorOf("checkpoints", ManifestV1Fields.Checkpoints, Checkpoint, required: true),
            FlatField.Scalar("last_l0_seq", ManifestV1Fields.LastL0Seq, FlatKind.U64),
            FlatField.Vector("wal_object_store_uri", ManifestV1Fields.WalObjectStoreUri, FlatKind.String),
            FlatField.Scalar("recent_snapshot_min_seq", ManifestV1Fields.RecentSnapshotMinSeq, FlatKind.U64),
            FlatField.Vector("sequence_tracker", ManifestV1Fields.SequenceTrackerField, FlatKind.Bytes),
        ]);

    public static readonly FlatTableSchema Segment = new(
        "Segment",
        FlatField.Vector("prefix", 0, FlatKind.Bytes, required: true),
        FlatField.Of("last_compacted_l0_sst_view_id", 1, Ulid),
        FlatField.VectorOf("l0", 2, CompactedSsTableView, required: true),
        FlatField.VectorOf("compacted", 3, SortedRunV2, required: true));

    public static readonly FlatTableSchema ManifestV2 = new(
        "ManifestV2",
        [
            .. Head(),
            FlatField.Of("last_compacted_l0_sst_view_id", ManifestV2Fields.LastCompactedL0SstViewId, Ulid),
            FlatField.VectorOf("ssts", ManifestV2Fields.Ssts, CompactedSsTableV2, required: true),
            FlatField.VectorOf("l0", ManifestV2Fields.L0, CompactedSsTableView, required: true),
            FlatField.VectorOf("compacted", ManifestV2Fields.Compacted, SortedRunV2, required: true),
            FlatField.Scalar("last_l0_clock_tick", ManifestV2Fields.LastL0ClockTick, FlatKind.I64),
            FlatField.VectorOf("checkpoints", ManifestV2Fields.Checkpoints, Checkpoint, required: true),
            FlatField.Scalar("last_l0_seq", ManifestV2Fields.LastL0Seq, FlatKind.U64),
            FlatField.Scalar("recent_snapshot_min_seq", ManifestV2Fields.RecentSnapshotMinSeq, FlatKind.U64),
            FlatField.Vector("sequence_tracker", ManifestV2Fields.SequenceTrackerField, FlatKind.Bytes),
            FlatField.VectorOf("segments", ManifestV2Fields.Segments, Segment),
            FlatField.Vector("segment_extractor_name", ManifestV2Fields.SegmentExtractorName, FlatKind.String),
        ]);
}
