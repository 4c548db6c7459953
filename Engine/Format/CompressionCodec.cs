namespace SlateFast;

/// <summary>
/// How SST blocks, filters, indexes and stats (and WAL SSTs) are compressed. The values are the
/// <c>CompressionFormat</c> numbers stored in every SST's info, so SlateDB reads what SlateFast writes.
/// </summary>
public enum CompressionCodec
{
    /// <summary>Stored as is. SlateDB's default.</summary>
    None = 0,

    /// <summary>Raw Snappy block format: fast, modest ratio.</summary>
    Snappy = 1,

    /// <summary>zlib (RFC 1950) at level 6: slower, better ratio.</summary>
    Zlib = 2,

    /// <summary>
    /// One LZ4 block after a 4-byte length: fastest to decompress. Managed everywhere; the system
    /// <c>liblz4</c> where installed, as it is faster (<c>SLATEFAST_CODECS</c> chooses).
    /// </summary>
    Lz4 = 3,

    /// <summary>
    /// One Zstandard frame at level 3: good ratio at good speed. Managed everywhere; the system
    /// <c>libzstd</c> where installed, as it is faster (<c>SLATEFAST_CODECS</c> chooses).
    /// </summary>
    Zstd = 4,
}
