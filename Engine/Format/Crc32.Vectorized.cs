using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SlateFast.Format;

internal static partial class Crc32
{
    // Folding constants for the reflected IEEE polynomial (Intel, "Fast CRC Computation for Generic
    // Polynomials Using PCLMULQDQ"): each is x^n mod P, bit-reflected and shifted left by one, for the
    // distance n that a fold jumps. Low lane multiplies a lane's low half, high lane its high half.
    private const ulong Fold512Low = 0x154442BD4;   // x^(4*128+32) mod P, folds 64 bytes ahead
    private const ulong Fold512High = 0x1C6E41596;  // x^(4*128-32) mod P
    private const ulong Fold128Low = 0x1751997D0;   // x^(128+32) mod P, folds 16 bytes ahead
    private const ulong Fold128High = 0x0CCAA009E;  // x^(128-32) mod P
    private const ulong Fold64 = 0x163CD6124;       // x^64 mod P, 96 -> 64 bits
    private const ulong PolynomialFull = 0x1DB710641; // P reflected, with the x^32 term
    private const ulong BarrettMu = 0x1F7011641;      // floor(x^64 / P) reflected

    private const int MinVectorLength = 64;

    private static uint UpdateVectorized(uint state, ReadOnlySpan<byte> data)
    {
        // Below four lanes the fold setup costs more than the table.
        if (data.Length < MinVectorLength)
        {
            return UpdateScalar(state, data);
        }

        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;

        Vector128<ulong> x0 = Load(ref p, 0) ^ Vector128.CreateScalar(state).AsUInt64();
        Vector128<ulong> x1 = Load(ref p, 16);
        Vector128<ulong> x2 = Load(ref p, 32);
        Vector128<ulong> x3 = Load(ref p, 48);
        nuint offset = 64;

        var k512 = Vector128.Create(Fold512Low, Fold512High);
        for (; length - offset >= 64; offset += 64)
        {
            x0 = Fold(x0, k512, Load(ref p, offset));
            x1 = Fold(x1, k512, Load(ref p, offset + 16));
            x2 = Fold(x2, k512, Load(ref p, offset + 32));
            x3 = Fold(x3, k512, Load(ref p, offset + 48));
        }

        var k128 = Vector128.Create(Fold128Low, Fold128High);
        Vector128<ulong> x = Fold(x0, k128, x1);
        x = Fold(x, k128, x2);
        x = Fold(x, k128, x3);
        for (; length - offset >= 16; offset += 16)
        {
            x = Fold(x, k128, Load(ref p, offset));
        }

        // 128 -> 64 bits: the low half moves up by 64 via its constant, the high half shifts down.
        x = Pclmulqdq.CarrylessMultiply(x, k128, 0x10) ^ Sse2.ShiftRightLogical128BitLane(x, 8);

        // 64 -> 32 bits.
        var low32 = Vector128.Create(0xFFFFFFFFu, 0u, 0u, 0u).AsUInt64();
        x = Pclmulqdq.CarrylessMultiply(x & low32, Vector128.CreateScalar(Fold64), 0x00)
            ^ Sse2.ShiftRightLogical128BitLane(x, 4);

        // Barrett reduction to the final 32-bit remainder, left in lane 1.
        var barrett = Vector128.Create(PolynomialFull, BarrettMu);
        Vector128<ulong> t = Pclmulqdq.CarrylessMultiply(x & low32, barrett, 0x10);
        t = Pclmulqdq.CarrylessMultiply(t & low32, barrett, 0x00);
        state = Sse41.Extract((x ^ t).AsUInt32(), 1);

        return UpdateScalar(state, data.Slice((int)offset));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load(ref byte p, nuint offset) => Vector128.LoadUnsafe(ref p, offset).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> x, Vector128<ulong> k, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11) ^ next;
}
