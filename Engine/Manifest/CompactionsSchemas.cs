using SlateFast.Format.FlatBuffers;

namespace SlateFast.Manifest;

/// <summary>
/// The tables of SlateDB 0.15's <c>compactor.fbs</c> (identical in 0.14) as verifier schemas, names
/// and ids as in the schema file. Compactions files of format versions 1 and 2 share this root
/// table; the version changes only how fields are read, so one schema verifies both. Anything
/// 0.15 does not list (a status after Scheduled, a third spec kind, a second context kind, a new
/// field) is refused by the verifier as written by a newer SlateDB.
/// </summary>
internal static class CompactionsSchemas
{
    /// <summary>Highest <c>CompactionStatus</c> value 0.15 knows (<c>Scheduled</c>).</summary>
    public const sbyte MaxStatus = 5;

    public static readonly FlatTableSchema TieredCompactionSpec = new(
        "TieredCompactionSpec",
        FlatField.VectorOf("ssts", 0, ManifestSchemas.Ulid),
        FlatField.Vector("sorted_runs", 1, FlatKind.U32Vector),
        FlatField.VectorOf("l0_view_ids", 2, ManifestSchemas.Ulid),
        FlatField.Vector("segment", 3, FlatKind.Bytes),
        FlatField.Scalar("destination", 4, FlatKind.U32));

    public static readonly FlatTableSchema DrainSegmentSpec = new(
        "DrainSegmentSpec",
        FlatField.Vector("segment", 0, FlatKind.Bytes, required: true),
        FlatField.VectorOf("l0_view_ids", 1, ManifestSchemas.Ulid),
        FlatField.Vector("sorted_runs", 2, FlatKind.U32Vector));

    public static readonly FlatTableSchema WorkerSpec = new(
        "WorkerSpec",
        FlatField.Vector("worker_id", 0, FlatKind.String),
        FlatField.Scalar("last_heartbeat_ms", 1, FlatKind.U64));

    public static readonly FlatTableSchema Subcompaction = new(
        "Subcompaction",
        FlatField.Of("range", 0, ManifestSchemas.BytesRange, required: true),
        FlatField.VectorOf("output_ssts", 1, ManifestSchemas.CompactedSsTable));

    public static readonly FlatTableSchema TieredCompactionContext = new(
        "TieredCompactionContext",
        FlatField.VectorOf("subcompactions", 0, Subcompaction),
        FlatField.Scalar("retention_min_seq", 1, FlatKind.U64));

    public static readonly FlatTableSchema Compaction = new(
        "Compaction",
        FlatField.Of("id", 0, ManifestSchemas.Ulid, required: true),
        FlatField.Union("spec", 1, required: true, null, TieredCompactionSpec, DrainSegmentSpec),
        FlatField.Enum("status", 3, max: MaxStatus),
        FlatField.VectorOf("output_ssts", 4, ManifestSchemas.CompactedSsTable),
        FlatField.Of("worker", 5, WorkerSpec),
        FlatField.Union("ctx", 6, required: false, null, TieredCompactionContext));

    public static readonly FlatTableSchema CompactionsV1 = new(
        "CompactionsV1",
        FlatField.Scalar("compactor_epoch", 0, FlatKind.U64),
        FlatField.VectorOf("recent_compactions", 1, Compaction, required: true));
}
