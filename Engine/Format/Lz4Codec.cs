using System.Buffers;
using System.Buffers.Binary;

namespace SlateFast.Format;

/// <summary>
/// SlateDB's LZ4 layout (lz4_flex <c>compress_prepend_size</c>): u32 little-endian uncompressed
/// length, then one raw LZ4 block. The block comes from K4os.Compression.LZ4 (managed) or the
/// system liblz4, whichever <see cref="CodecBackends"/> chose; the checks here are the same for both.
/// </summary>
internal static class Lz4Codec
{
    /// <summary>Whether liblz4 beats the managed port on the measurement in RFC 0025.</summary>
    internal const bool NativeIsFaster = true;

    private const int SizePrefixLength = 4;

    // LZ4_MAX_INPUT_SIZE in lz4.h.
    private const int MaxInputSize = 0x7E000000;

    private static readonly NativeCodecLibrary s_library =
        new("LZ4", "SLATEFAST_LZ4_LIBRARY", "liblz4.so.1", "liblz4.so", "liblz4.1.dylib", "liblz4.dylib", "liblz4.dll", "lz4.dll");

    private static Lz4Backend? s_backend;
    private static NativeLz4? s_native;

    /// <summary>The implementation this process uses, chosen on first use.</summary>
    internal static Lz4Backend Backend => s_backend ??= CodecBackends.Choose<Lz4Backend>(
        CodecBackends.FromEnvironment(), s_library.Requested, NativeIsFaster, () => Native, ManagedLz4.Instance);

    /// <summary>The system liblz4; <see cref="ErrorKind.Invalid"/>, naming it, when it cannot be loaded.</summary>
    internal static Lz4Backend Native => s_native ??= new NativeLz4(s_library);

    public static void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output) => Compress(Backend, input, output);

    public static int Decompress(ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output) =>
        Decompress(Backend, input, maxOutputSize, output);

    internal static void Compress(Lz4Backend api, ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        if (input.Length > MaxInputSize)
        {
            ThrowHelper.Invalid($"LZ4 cannot compress {input.Length} bytes in one block; the limit is {MaxInputSize}");
        }

        if (input.IsEmpty)
        {
            // What liblz4 and lz4_flex both emit for nothing: a zero length and one empty-literal token.
            output.Write<byte>([0, 0, 0, 0, 0]);
            return;
        }

        int bound = api.CompressBound(input.Length);
        Span<byte> destination = output.GetSpan(SizePrefixLength + bound);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)input.Length);
        int written = api.Compress(input, destination.Slice(SizePrefixLength, bound));
        if (written <= 0)
        {
            ThrowHelper.Internal($"LZ4 compression ({api.Name}) failed for {input.Length} bytes (returned {written})");
        }

        output.Advance(SizePrefixLength + written);
    }

    internal static int Decompress(Lz4Backend api, ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output)
    {
        if (input.Length < SizePrefixLength)
        {
            ThrowHelper.Data($"LZ4 data is {input.Length} bytes; it must start with a 4-byte length");
        }

        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(input);
        Compression.CheckDeclaredSize(CompressionCodec.Lz4, declared, maxOutputSize);
        ReadOnlySpan<byte> block = input.Slice(SizePrefixLength);
        int size = (int)declared;
        if (size == 0)
        {
            // An empty input compresses to a lone zero token; accept the bare prefix too.
            if (block.Length > 1 || (block.Length == 1 && block[0] != 0))
            {
                ThrowHelper.Data($"LZ4 data declares 0 bytes but carries a {block.Length}-byte block");
            }

            return 0;
        }

        if (block.IsEmpty)
        {
            ThrowHelper.Data($"LZ4 data declares {size} bytes but has no block");
        }

        Span<byte> destination = output.GetSpan(size).Slice(0, size);
        int produced = api.Decompress(block, destination);
        if (produced != size)
        {
            ThrowHelper.Data(produced < 0
                ? $"LZ4 block is corrupt (the {api.Name} decoder returned {produced})"
                : $"LZ4 block decoded to {produced} bytes, but {size} were declared");
        }

        output.Advance(size);
        return size;
    }

    /// <summary>Chooses the implementation now; <see cref="ErrorKind.Invalid"/>, naming the library, if a required one is missing.</summary>
    public static void EnsureAvailable() => _ = Backend;
}
