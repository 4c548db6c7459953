using ZstdSharp.Unsafe;

namespace SlateFast.Format;

/// <summary>
/// The Zstandard functions <see cref="ZstdCodec"/> needs, with libzstd's signatures, so the
/// codec's checks are written once over either implementation.
/// </summary>
/// <remarks>
/// Each thread keeps one compression and one decompression context: creating them per call (as
/// <c>ZSTD_compress</c> and <c>ZSTD_decompress</c> do) cost more than compressing a 4 KiB block.
/// The contexts hang off a <see cref="ThreadContexts"/> object that only the thread references, so
/// when a pool thread retires, the finalizer frees its contexts instead of leaking them.
/// </remarks>
internal abstract unsafe class ZstdBackend
{
    private static long s_freedContexts;

    /// <summary>Contexts freed after their thread ended; for the test that they are.</summary>
    internal static long FreedContexts => Interlocked.Read(ref s_freedContexts);

    /// <summary>"managed" or the library's file name, for benchmarks and errors.</summary>
    public abstract string Name { get; }

    public abstract nuint CompressBound(nuint size);

    public nuint Compress(byte* dst, nuint capacity, byte* src, nuint size, int level)
    {
        ThreadContexts contexts = CurrentThreadContexts();
        if (contexts.Compression == 0)
        {
            contexts.Compression = CreateCompressionContext();
        }

        return CompressWith(contexts.Compression, dst, capacity, src, size, level);
    }

    public nuint Decompress(byte* dst, nuint capacity, byte* src, nuint size)
    {
        ThreadContexts contexts = CurrentThreadContexts();
        if (contexts.Decompression == 0)
        {
            contexts.Decompression = CreateDecompressionContext();
        }

        return DecompressWith(contexts.Decompression, dst, capacity, src, size);
    }

    public abstract ulong FrameContentSize(byte* src, nuint size);

    public abstract bool IsError(nuint code);

    public abstract string ErrorName(nuint code);

    /// <summary>This thread's contexts for this implementation (each keeps its own thread-static).</summary>
    internal abstract ThreadContexts CurrentThreadContexts();

    protected abstract nint CreateCompressionContext();

    protected abstract nint CreateDecompressionContext();

    protected abstract nuint CompressWith(nint context, byte* dst, nuint capacity, byte* src, nuint size, int level);

    protected abstract nuint DecompressWith(nint context, byte* dst, nuint capacity, byte* src, nuint size);

    protected abstract void FreeCompressionContext(nint context);

    protected abstract void FreeDecompressionContext(nint context);

    /// <summary>One thread's contexts; freed by the finalizer once the thread (its only holder) is gone.</summary>
    internal sealed class ThreadContexts(ZstdBackend owner)
    {
        internal nint Compression;
        internal nint Decompression;

        ~ThreadContexts()
        {
            if (Compression != 0)
            {
                owner.FreeCompressionContext(Compression);
                Interlocked.Increment(ref s_freedContexts);
            }

            if (Decompression != 0)
            {
                owner.FreeDecompressionContext(Decompression);
                Interlocked.Increment(ref s_freedContexts);
            }
        }
    }
}

/// <summary>ZstdSharp.Port: a line-by-line C# port of libzstd, so it decodes exactly what libzstd does.</summary>
internal sealed unsafe class ManagedZstd : ZstdBackend
{
    public static readonly ManagedZstd Instance = new();

    [ThreadStatic]
    private static ThreadContexts? t_contexts;

    private ManagedZstd()
    {
    }

    public override string Name => "managed";

    public override nuint CompressBound(nuint size) => Methods.ZSTD_compressBound(size);

    public override ulong FrameContentSize(byte* src, nuint size) => Methods.ZSTD_getFrameContentSize(src, size);

    public override bool IsError(nuint code) => Methods.ZSTD_isError(code);

    public override string ErrorName(nuint code) => Methods.ZSTD_getErrorName(code);

    internal override ThreadContexts CurrentThreadContexts() => t_contexts ??= new ThreadContexts(this);

    protected override nint CreateCompressionContext() => (nint)Methods.ZSTD_createCCtx();

    protected override nint CreateDecompressionContext() => (nint)Methods.ZSTD_createDCtx();

    protected override nuint CompressWith(nint context, byte* dst, nuint capacity, byte* src, nuint size, int level) =>
        Methods.ZSTD_compressCCtx((ZSTD_CCtx_s*)context, dst, capacity, src, size, level);

    protected override nuint DecompressWith(nint context, byte* dst, nuint capacity, byte* src, nuint size) =>
        Methods.ZSTD_decompressDCtx((ZSTD_DCtx_s*)context, dst, capacity, src, size);

    protected override void FreeCompressionContext(nint context) => Methods.ZSTD_freeCCtx((ZSTD_CCtx_s*)context);

    protected override void FreeDecompressionContext(nint context) => Methods.ZSTD_freeDCtx((ZSTD_DCtx_s*)context);
}

/// <summary>The system libzstd, loaded by <see cref="NativeCodecLibrary"/>.</summary>
internal sealed unsafe class NativeZstd : ZstdBackend
{
    [ThreadStatic]
    private static ThreadContexts? t_contexts;

    private readonly string _name;
    private readonly delegate* unmanaged<nuint, nuint> _compressBound;
    private readonly delegate* unmanaged<nint> _createCompressContext;
    private readonly delegate* unmanaged<nint, nuint> _freeCompressContext;
    private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int, nuint> _compress;
    private readonly delegate* unmanaged<nint> _createDecompressContext;
    private readonly delegate* unmanaged<nint, nuint> _freeDecompressContext;
    private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint> _decompress;
    private readonly delegate* unmanaged<byte*, nuint, ulong> _getFrameContentSize;
    private readonly delegate* unmanaged<nuint, uint> _isError;
    private readonly delegate* unmanaged<nuint, byte*> _getErrorName;

    public NativeZstd(NativeCodecLibrary library)
    {
        _name = library.PrimaryName;
        _compressBound = (delegate* unmanaged<nuint, nuint>)library.GetExport("ZSTD_compressBound");
        _createCompressContext = (delegate* unmanaged<nint>)library.GetExport("ZSTD_createCCtx");
        _freeCompressContext = (delegate* unmanaged<nint, nuint>)library.GetExport("ZSTD_freeCCtx");
        _compress = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int, nuint>)library.GetExport("ZSTD_compressCCtx");
        _createDecompressContext = (delegate* unmanaged<nint>)library.GetExport("ZSTD_createDCtx");
        _freeDecompressContext = (delegate* unmanaged<nint, nuint>)library.GetExport("ZSTD_freeDCtx");
        _decompress = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint>)library.GetExport("ZSTD_decompressDCtx");
        _getFrameContentSize = (delegate* unmanaged<byte*, nuint, ulong>)library.GetExport("ZSTD_getFrameContentSize");
        _isError = (delegate* unmanaged<nuint, uint>)library.GetExport("ZSTD_isError");
        _getErrorName = (delegate* unmanaged<nuint, byte*>)library.GetExport("ZSTD_getErrorName");
    }

    public override string Name => _name;

    public override nuint CompressBound(nuint size) => _compressBound(size);

    public override ulong FrameContentSize(byte* src, nuint size) => _getFrameContentSize(src, size);

    public override bool IsError(nuint code) => _isError(code) != 0;

    public override string ErrorName(nuint code) =>
        System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)_getErrorName(code)) ?? "unknown error";

    internal override ThreadContexts CurrentThreadContexts() => t_contexts ??= new ThreadContexts(this);

    protected override nint CreateCompressionContext() =>
        _createCompressContext() is var context && context != 0 ? context : throw new OutOfMemoryException("ZSTD_createCCtx returned null");

    protected override nint CreateDecompressionContext() =>
        _createDecompressContext() is var context && context != 0 ? context : throw new OutOfMemoryException("ZSTD_createDCtx returned null");

    protected override nuint CompressWith(nint context, byte* dst, nuint capacity, byte* src, nuint size, int level) =>
        _compress(context, dst, capacity, src, size, level);

    protected override nuint DecompressWith(nint context, byte* dst, nuint capacity, byte* src, nuint size) =>
        _decompress(context, dst, capacity, src, size);

    protected override void FreeCompressionContext(nint context) => _freeCompressContext(context);

    protected override void FreeDecompressionContext(nint context) => _freeDecompressContext(context);
}
