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

    public static readonly FlatTableSchema ManifestV1 = new(
        "ManifestV1",
        FlatField.Scalar("manifest_id", 0, FlatKind.U64),
        FlatField.VectorOf("external_dbs", 1, ExternalDb),
        FlatField.Scalar("initialized", 2, FlatKind.Bool),
        FlatField.Scalar("writer_epoch", 3, FlatKind.U64),
        FlatField.Scalar("compactor_epoch", 4, FlatKind.U64),
        FlatField.Scalar("replay_after_wal_id", 5, FlatKind.U64),
        FlatField.Scalar("wal_id_last_seen", 6, FlatKind.U64),
        FlatField.Of("l0_last_compacted", 7, Ulid),
        FlatField.VectorOf("l0", 8, CompactedSsTable, required: true),
        FlatField.VectorOf("compacted", 9, SortedRun, required: true),
        FlatField.Scalar("last_l0_clock_tick", 10, FlatKind.I64),
        FlatField.VectorOf("checkpoints", 11, Checkpoint, required: true),
        FlatField.Scalar("last_l0_seq", 12, FlatKind.U64),
        FlatField.Vector("wal_object_store_uri", 13, FlatKind.String),
        FlatField.Scalar("recent_snapshot_min_seq", 14, FlatKind.U64),
        FlatField.Vector("sequence_tracker", 15, FlatKind.Bytes));

    public static readonly FlatTableSchema Segment = new(
        "Segment",
        FlatField.Vector("prefix", 0, FlatKind.Bytes, required: true),
        FlatField.Of("last_compacted_l0_sst_view_id", 1, Ulid),
        FlatField.VectorOf("l0", 2, CompactedSsTableView, required: true),
        FlatField.VectorOf("compacted", 3, SortedRunV2, required: true));

    public static readonly FlatTableSchema ManifestV2 = new(
        "ManifestV2",
        FlatField.Scalar("manifest_id", 0, FlatKind.U64),
        FlatField.VectorOf("external_dbs", 1, ExternalDb),
        FlatField.Scalar("initialized", 2, FlatKind.Bool),
        FlatField.Scalar("writer_epoch", 3, FlatKind.U64),
        FlatField.Scalar("compactor_epoch", 4, FlatKind.U64),
        FlatField.Scalar("replay_after_wal_id", 5, FlatKind.U64),
        FlatField.Scalar("wal_id_last_seen", 6, FlatKind.U64),
        FlatField.Of("last_compacted_l0_sst_view_id", 7, Ulid),
        FlatField.VectorOf("ssts", 8, CompactedSsTableV2, required: true),
        FlatField.VectorOf("l0", 9, CompactedSsTableView, required: true),
        FlatField.VectorOf("compacted", 10, SortedRunV2, required: true),
        FlatField.Scalar("last_l0_clock_tick", 11, FlatKind.I64),
        FlatField.VectorOf("checkpoints", 12, Checkpoint, required: true),
        FlatField.Scalar("last_l0_seq", 13, FlatKind.U64),
        FlatField.Scalar("recent_snapshot_min_seq", 14, FlatKind.U64),
        FlatField.Vector("sequence_tracker", 15, FlatKind.Bytes),
        FlatField.VectorOf("segments", 16, Segment),
        FlatField.Vector("segment_extractor_name", 17, FlatKind.String));
}
