using ZstdSharp.Unsafe;

namespace SlateFast.Format;

/// <summary>
/// The Zstandard functions <see cref="ZstdCodec"/> needs, with libzstd's signatures, so the
/// codec's checks are written once over either implementation. Each thread keeps one compression
/// and one decompression context: creating them per call cost more than compressing a 4 KiB block.
/// </summary>
internal abstract unsafe class ZstdBackend
{
    /// <summary>"managed" or the library's file name, for benchmarks and errors.</summary>
    public abstract string Name { get; }

    public abstract nuint CompressBound(nuint size);

    public abstract nuint Compress(byte* dst, nuint capacity, byte* src, nuint size, int level);

    public abstract nuint Decompress(byte* dst, nuint capacity, byte* src, nuint size);

    public abstract ulong FrameContentSize(byte* src, nuint size);

    public abstract bool IsError(nuint code);

    public abstract string ErrorName(nuint code);
}

/// <summary>ZstdSharp.Port: a line-by-line C# port of libzstd, so it decodes exactly what libzstd does.</summary>
internal sealed unsafe class ManagedZstd : ZstdBackend
{
    public static readonly ManagedZstd Instance = new();

    // Contexts live as long as their thread: pool threads are long-lived, and a context is
    // reused for every block that thread compresses or decompresses.
    [ThreadStatic]
    private static nint t_compressContext;

    [ThreadStatic]
    private static nint t_decompressContext;

    private ManagedZstd()
    {
    }

    public override string Name => "managed";

    public override nuint CompressBound(nuint size) => Methods.ZSTD_compressBound(size);

    public override nuint Compress(byte* dst, nuint capacity, byte* src, nuint size, int level)
    {
        if (t_compressContext == 0)
        {
            t_compressContext = (nint)Methods.ZSTD_createCCtx();
        }

        return Methods.ZSTD_compressCCtx((ZSTD_CCtx_s*)t_compressContext, dst, capacity, src, size, level);
    }

    public override nuint Decompress(byte* dst, nuint capacity, byte* src, nuint size)
    {
        if (t_decompressContext == 0)
        {
            t_decompressContext = (nint)Methods.ZSTD_createDCtx();
        }

        return Methods.ZSTD_decompressDCtx((ZSTD_DCtx_s*)t_decompressContext, dst, capacity, src, size);
    }

    public override ulong FrameContentSize(byte* src, nuint size) => Methods.ZSTD_getFrameContentSize(src, size);

    public override bool IsError(nuint code) => Methods.ZSTD_isError(code);

    public override string ErrorName(nuint code) => Methods.ZSTD_getErrorName(code);
}

/// <summary>The system libzstd, loaded by <see cref="NativeCodecLibrary"/>.</summary>
internal sealed unsafe class NativeZstd : ZstdBackend
{
    [ThreadStatic]
    private static nint t_compressContext;

    [ThreadStatic]
    private static nint t_decompressContext;

    private readonly string _name;
    private readonly delegate* unmanaged<nuint, nuint> _compressBound;
    private readonly delegate* unmanaged<nint> _createCompressContext;
    private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int, nuint> _compress;
    private readonly delegate* unmanaged<nint> _createDecompressContext;
    private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint> _decompress;
    private readonly delegate* unmanaged<byte*, nuint, ulong> _getFrameContentSize;
    private readonly delegate* unmanaged<nuint, uint> _isError;
    private readonly delegate* unmanaged<nuint, byte*> _getErrorName;

    public NativeZstd(NativeCodecLibrary library)
    {
        _name = library.PrimaryName;
        _compressBound = (delegate* unmanaged<nuint, nuint>)library.GetExport("ZSTD_compressBound");
        _createCompressContext = (delegate* unmanaged<nint>)library.GetExport("ZSTD_createCCtx");
        _compress = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int, nuint>)library.GetExport("ZSTD_compressCCtx");
        _createDecompressContext = (delegate* unmanaged<nint>)library.GetExport("ZSTD_createDCtx");
        _decompress = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint>)library.GetExport("ZSTD_decompressDCtx");
        _getFrameContentSize = (delegate* unmanaged<byte*, nuint, ulong>)library.GetExport("ZSTD_getFrameContentSize");
        _isError = (delegate* unmanaged<nuint, uint>)library.GetExport("ZSTD_isError");
        _getErrorName = (delegate* unmanaged<nuint, byte*>)library.GetExport("ZSTD_getErrorName");
    }

    public override string Name => _name;

    public override nuint CompressBound(nuint size) => _compressBound(size);

    public override nuint Compress(byte* dst, nuint capacity, byte* src, nuint size, int level)
    {
        if (t_compressContext == 0)
        {
            t_compressContext = _createCompressContext();
            if (t_compressContext == 0)
            {
                throw new OutOfMemoryException("ZSTD_createCCtx returned null");
            }
        }

        return _compress(t_compressContext, dst, capacity, src, size, level);
    }

    public override nuint Decompress(byte* dst, nuint capacity, byte* src, nuint size)
    {
        if (t_decompressContext == 0)
        {
            t_decompressContext = _createDecompressContext();
            if (t_decompressContext == 0)
            {
                throw new OutOfMemoryException("ZSTD_createDCtx returned null");
            }
        }

        return _decompress(t_decompressContext, dst, capacity, src, size);
    }

    public override ulong FrameContentSize(byte* src, nuint size) => _getFrameContentSize(src, size);

    public override bool IsError(nuint code) => _isError(code) != 0;

    public override string ErrorName(nuint code) =>
        System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)_getErrorName(code)) ?? "unknown error";
}
