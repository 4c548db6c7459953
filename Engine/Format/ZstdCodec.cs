using System.Buffers;
using System.Runtime.InteropServices;

namespace SlateFast.Format;

/// <summary>
/// SlateDB's Zstd layout: one Zstandard frame at level 3. The bytes come from ZstdSharp (managed)
/// or the system libzstd, whichever <see cref="CodecBackends"/> chose; the checks here are the same
/// for both.
/// </summary>
internal static unsafe class ZstdCodec
{
    /// <summary>The level SlateDB compresses with.</summary>
    public const int Level = 3;

    /// <summary>
    /// Whether libzstd beats ZstdSharp at SST block sizes on the measurement in RFC 0025. When it
    /// does not, auto never loads the system library.
    /// </summary>
    internal const bool NativeIsFaster = true;

    private const ulong ContentSizeUnknown = ulong.MaxValue;
    private const ulong ContentSizeError = ulong.MaxValue - 1;

    private static readonly NativeCodecLibrary s_library =
        new("Zstd", "SLATEFAST_ZSTD_LIBRARY", "libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib", "libzstd.dll", "zstd.dll");

    private static ZstdBackend? s_backend;
    private static NativeZstd? s_native;

    /// <summary>The implementation this process uses, chosen on first use.</summary>
    internal static ZstdBackend Backend => s_backend ??= CodecBackends.Choose<ZstdBackend>(
        CodecBackends.FromEnvironment(), s_library.Requested, NativeIsFaster, () => Native, ManagedZstd.Instance);

    /// <summary>The system libzstd; <see cref="ErrorKind.Invalid"/>, naming it, when it cannot be loaded.</summary>
    internal static ZstdBackend Native => s_native ??= new NativeZstd(s_library);

    public static void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output) => Compress(Backend, input, output);

    public static int Decompress(ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output) =>
        Decompress(Backend, input, maxOutputSize, output);

    internal static void Compress(ZstdBackend api, ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
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

    internal static int Decompress(ZstdBackend api, ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output)
    {
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

    /// <summary>Chooses the implementation now; <see cref="ErrorKind.Invalid"/>, naming the library, if a required one is missing.</summary>
    public static void EnsureAvailable() => _ = Backend;
}
