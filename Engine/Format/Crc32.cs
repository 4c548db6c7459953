using System.Runtime.Intrinsics.X86;

namespace SlateFast.Format;

/// <summary>
/// CRC-32 as used by SlateDB (crc32fast, i.e. the IEEE/zlib CRC: reflected polynomial 0xEDB88320,
/// initial value and final xor 0xFFFFFFFF). Every section of an SST ends with this CRC, stored
/// big-endian after the bytes it covers.
/// </summary>
/// <remarks>
/// Values passed in and returned are finished CRCs, as with zlib's <c>crc32(crc, buf, len)</c>, so
/// <c>Append(Compute(a), b) == Compute(a ++ b)</c> and <c>Compute(empty) == 0</c>.
/// </remarks>
internal static partial class Crc32
{
    /// <summary>True when <see cref="Compute"/> uses the carry-less multiply path on this machine.</summary>
    public static bool IsVectorized => Pclmulqdq.IsSupported && Sse41.IsSupported;

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Extends the CRC <paramref name="crc"/> of some earlier bytes with <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        ~(IsVectorized ? UpdateVectorized(~crc, data) : UpdateScalar(~crc, data));

    /// <summary>The table-driven path alone; for tests and benchmarks.</summary>
    public static uint ComputeScalar(ReadOnlySpan<byte> data) => ~UpdateScalar(~0u, data);

    /// <summary>The carry-less multiply path (falls back to the table when the CPU lacks it); for tests and benchmarks.</summary>
    public static uint ComputeVectorized(ReadOnlySpan<byte> data) =>
        IsVectorized ? ~UpdateVectorized(~0u, data) : ComputeScalar(data);
}
