using System.Buffers;
using System.Buffers.Binary;

namespace SlateFast.Format;

/// <summary>
/// SlateDB's LZ4 layout (lz4_flex <c>compress_prepend_size</c>): u32 little-endian uncompressed
/// length, then one raw LZ4 block, through the system liblz4.
/// </summary>
internal static unsafe class Lz4Codec
{
    private const int SizePrefixLength = 4;

    // LZ4_MAX_INPUT_SIZE in lz4.h.
    private const int MaxInputSize = 0x7E000000;

    private static readonly NativeCodecLibrary s_library =
        new("LZ4", "SLATEFAST_LZ4_LIBRARY", "liblz4.so.1", "liblz4.so", "liblz4.1.dylib", "liblz4.dylib", "liblz4.dll", "lz4.dll");

    private static Api? s_api;

    public static void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
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

        Api api = GetApi();
        int bound = api.CompressBound(input.Length);
        Span<byte> destination = output.GetSpan(SizePrefixLength + bound);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)input.Length);
        int written;
        fixed (byte* src = input)
        fixed (byte* dst = destination.Slice(SizePrefixLength))
        {
            written = api.CompressDefault(src, dst, input.Length, bound);
        }

        if (written <= 0)
        {
            ThrowHelper.Internal($"LZ4_compress_default failed for {input.Length} bytes (returned {written})");
        }

        output.Advance(SizePrefixLength + written);
    }

    public static int Decompress(ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output)
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

        Api api = GetApi();
        Span<byte> destination = output.GetSpan(size).Slice(0, size);
        int produced;
        fixed (byte* src = block)
        fixed (byte* dst = destination)
        {
            produced = api.DecompressSafe(src, dst, block.Length, size);
        }

        if (produced != size)
        {
            ThrowHelper.Data(produced < 0
                ? $"LZ4 block is corrupt (LZ4_decompress_safe returned {produced})"
                : $"LZ4 block decoded to {produced} bytes, but {size} were declared");
        }

        output.Advance(size);
        return size;
    }

    /// <summary>Loads the native library now; <see cref="ErrorKind.Invalid"/>, naming it, if it is missing.</summary>
    public static void EnsureAvailable() => GetApi();

    private static Api GetApi() => s_api ??= new Api(s_library);

    private sealed class Api
    {
        private readonly delegate* unmanaged<int, int> _compressBound;
        private readonly delegate* unmanaged<byte*, byte*, int, int, int> _compressDefault;
        private readonly delegate* unmanaged<byte*, byte*, int, int, int> _decompressSafe;

        public Api(NativeCodecLibrary library)
        {
            _compressBound = (delegate* unmanaged<int, int>)library.GetExport("LZ4_compressBound");
            _compressDefault = (delegate* unmanaged<byte*, byte*, int, int, int>)library.GetExport("LZ4_compress_default");
            _decompressSafe = (delegate* unmanaged<byte*, byte*, int, int, int>)library.GetExport("LZ4_decompress_safe");
        }

        public int CompressBound(int inputSize) => _compressBound(inputSize);

        public int CompressDefault(byte* src, byte* dst, int srcSize, int dstCapacity) => _compressDefault(src, dst, srcSize, dstCapacity);

        public int DecompressSafe(byte* src, byte* dst, int srcSize, int dstCapacity) => _decompressSafe(src, dst, srcSize, dstCapacity);
    }
}
