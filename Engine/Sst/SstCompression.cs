namespace SlateFast.Sst;

/// <summary>
/// The <c>CompressionFormat</c> byte of <c>SsTableInfo</c>. Same values as the public
/// <c>CompressionCodec</c> enum; kept separate until the two branches merge.
/// </summary>
internal enum SstCompression : byte
{
    None = 0,
    Snappy = 1,
    Zlib = 2,
    Lz4 = 3,
    Zstd = 4,
}
