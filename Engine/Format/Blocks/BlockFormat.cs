namespace SlateFast.Format.Blocks;

/// <summary>
/// Block and row codec pair, numbered like the SST format version that selects it (spec §5.1):
/// compacted SSTs take it from the manifest entry's <c>format_version</c> (absent = 1), WAL SSTs from the footer.
/// </summary>
internal enum BlockFormat : ushort
{
    /// <summary>One offset per row, V0 rows prefix-compressed against the block's first key (read support).</summary>
    V1 = 1,

    /// <summary>Restart points every 16 rows, V2 rows prefix-compressed against the previous key (what SlateDB 0.12 writes).</summary>
    V2 = 2,
}
