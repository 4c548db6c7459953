using SlateFast.Format.FlatBuffers;

namespace SlateFast.Sst;

/// <summary>
/// The tables of SlateDB's <c>sst.fbs</c> that live in SST files, as verifier schemas: 0.12's
/// tables plus 0.13's <c>SsTableInfo.filter_format</c> (unchanged through 0.15). Field ids are the
/// schema's field indices.
/// </summary>
internal static class SstSchemas
{
    public static readonly FlatTableSchema SsTableInfo = new(
        "SsTableInfo",
        FlatField.Vector("first_entry", 0, FlatKind.Bytes),
        FlatField.Scalar("index_offset", 1, FlatKind.U64),
        FlatField.Scalar("index_len", 2, FlatKind.U64),
        FlatField.Scalar("filter_offset", 3, FlatKind.U64),
        FlatField.Scalar("filter_len", 4, FlatKind.U64),
        FlatField.Enum("compression_format", 5, max: 4),
        FlatField.Enum("sst_type", 6, max: 1),
        FlatField.Vector("last_entry", 7, FlatKind.Bytes),
        FlatField.Scalar("stats_offset", 8, FlatKind.U64),
        FlatField.Scalar("stats_len", 9, FlatKind.U64),
        FlatField.Enum("filter_format", 10, max: 1));

    public static readonly FlatTableSchema BlockStats = new(
        "BlockStats",
        FlatField.Scalar("num_puts", 0, FlatKind.U16),
        FlatField.Scalar("num_deletes", 1, FlatKind.U16),
        FlatField.Scalar("num_merges", 2, FlatKind.U16));

    public static readonly FlatTableSchema SstStats = new(
        "SstStats",
        FlatField.Scalar("num_puts", 0, FlatKind.U64),
        FlatField.Scalar("num_deletes", 1, FlatKind.U64),
        FlatField.Scalar("num_merges", 2, FlatKind.U64),
        FlatField.Scalar("raw_key_size", 3, FlatKind.U64),
        FlatField.Scalar("raw_val_size", 4, FlatKind.U64),
        FlatField.VectorOf("block_stats", 5, BlockStats));

    public static readonly FlatTableSchema BlockMeta = new(
        "BlockMeta",
        FlatField.Scalar("offset", 0, FlatKind.U64),
        FlatField.Vector("first_key", 1, FlatKind.Bytes, required: true));

    public static readonly FlatTableSchema SsTableIndex = new(
        "SsTableIndex",
        FlatField.VectorOf("block_meta", 0, BlockMeta, required: true));
}
