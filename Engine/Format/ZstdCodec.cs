using System.Buffers;
using System.Runtime.InteropServices;

namespace SlateFast.Format;

/// <summary>SlateDB's Zstd layout: one Zstandard frame at level 3, through the system libzstd.</summary>
internal static unsafe class ZstdCodec
{
    /// <summary>The level SlateDB compresses with.</summary>
    public const int Level = 3;

    private const ulong ContentSizeUnknown = ulong.MaxValue;
    private const ulong ContentSizeError = ulong.MaxValue - 1;

    private static readonly NativeCodecLibrary s_library =
        new("Zstd", "SLATEFAST_ZSTD_LIBRARY", "libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib", "libzstd.dll", "zstd.dll");

    private static Api? s_api;

    public static void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        Api api = GetApi();
        nuint bound = api.CompressBound((nuint)input.Length);
        if (api.IsError(bound) || bound > int.MaxValue)
        {
            ThrowHelper.Invalid($"Zstd cannot compress {input.Length} bytes in one frame");
        }

        Span<byte> destination = output.GetSpan((int)bound);
        nuint written;
        fixed (byte* src = input)
        fixed (byte* dst = destination)
        {
            written = api.Compress(dst, bound, src, (nuint)input.Length, Level);
        }

        if (api.IsError(written))
        {
            ThrowHelper.Internal($"ZSTD_compress failed for {input.Length} bytes: {api.ErrorName(written)}");
        }

        output.Advance((int)written);
    }

    public static int Decompress(ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output)
    {
        Api api = GetApi();
        ulong declared;
        fixed (byte* src = input)
        {
            declared = api.FrameContentSize(src, (nuint)input.Length);
        }

        if (declared == ContentSizeError)
        {
            ThrowHelper.Data($"Zstd data ({input.Length} bytes) does not start with a valid frame header");
        }

        // A frame may omit its size (streaming writers); then the limit is the only bound.
        bool known = declared != ContentSizeUnknown;
        if (known)
        {
            Compression.CheckDeclaredSize(CompressionCodec.Zstd, (long)Math.Min(declared, long.MaxValue), maxOutputSize);
        }

        int capacity = known ? (int)declared : maxOutputSize;
        Span<byte> destination = output.GetSpan(Math.Max(capacity, 1)).Slice(0, capacity);
        nuint produced;
        fixed (byte* src = input)
        fixed (byte* dst = &MemoryMarshal.GetReference(destination))
        {
            produced = api.Decompress(dst, (nuint)capacity, src, (nuint)input.Length);
        }

        if (api.IsError(produced))
        {
            ThrowHelper.Data($"Zstd frame is corrupt or larger than {capacity} bytes: {api.ErrorName(produced)}");
        }

        if (known && produced != (nuint)declared)
        {
            ThrowHelper.Data($"Zstd frame decoded to {produced} bytes, but {declared} were declared");
        }

        output.Advance((int)produced);
        return (int)produced;
    }

    /// <summary>Loads the native library now; <see cref="ErrorKind.Invalid"/>, naming it, if it is missing.</summary>
    public static void EnsureAvailable() => GetApi();

    private static Api GetApi() => s_api ??= new Api(s_library);

    private sealed class Api
    {
        private readonly delegate* unmanaged<nuint, nuint> _compressBound;
        private readonly delegate* unmanaged<byte*, nuint, byte*, nuint, int, nuint> _compress;
        private readonly delegate* unmanaged<byte*, nuint, byte*, nuint, nuint> _decompress;
        private readonly delegate* unmanaged<byte*, nuint, ulong> _getFrameContentSize;
        private readonly delegate* unmanaged<nuint, uint> _isError;
        private readonly delegate* unmanaged<nuint, byte*> _getErrorName;

        public Api(NativeCodecLibrary library)
        {
            _compressBound = (delegate* unmanaged<nuint, nuint>)library.GetExport("ZSTD_compressBound");
            _compress = (delegate* unmanaged<byte*, nuint, byte*, nuint, int, nuint>)library.GetExport("ZSTD_compress");
            _decompress = (delegate* unmanaged<byte*, nuint, byte*, nuint, nuint>)library.GetExport("ZSTD_decompress");
            _getFrameContentSize = (delegate* unmanaged<byte*, nuint, ulong>)library.GetExport("ZSTD_getFrameContentSize");
            _isError = (delegate* unmanaged<nuint, uint>)library.GetExport("ZSTD_isError");
            _getErrorName = (delegate* unmanaged<nuint, byte*>)library.GetExport("ZSTD_getErrorName");
        }

        public nuint CompressBound(nuint size) => _compressBound(size);

        public nuint Compress(byte* dst, nuint capacity, byte* src, nuint size, int level) => _compress(dst, capacity, src, size, level);

        public nuint Decompress(byte* dst, nuint capacity, byte* src, nuint size) => _decompress(dst, capacity, src, size);

        public ulong FrameContentSize(byte* src, nuint size) => _getFrameContentSize(src, size);

        public bool IsError(nuint code) => _isError(code) != 0;

        public string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)_getErrorName(code)) ?? "unknown error";
    }
}
