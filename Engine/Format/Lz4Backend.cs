using K4os.Compression.LZ4;

namespace SlateFast.Format;

/// <summary>
/// One raw LZ4 block in and out, so <see cref="Lz4Codec"/>'s checks are written once over either
/// implementation. Both return the bytes written, or a negative number when the block is corrupt
/// or does not fit.
/// </summary>
internal abstract class Lz4Backend
{
    /// <summary>"managed" or the library's file name, for benchmarks and errors.</summary>
    public abstract string Name { get; }

    public abstract int CompressBound(int inputSize);

    /// <summary>Compresses at LZ4's default (fast, acceleration 1) level.</summary>
    public abstract int Compress(ReadOnlySpan<byte> source, Span<byte> destination);

    /// <summary>Decodes with bounds checks on every read and write (LZ4_decompress_safe).</summary>
    public abstract int Decompress(ReadOnlySpan<byte> source, Span<byte> destination);
}

/// <summary>K4os.Compression.LZ4: a C# port of the reference LZ4 block codec.</summary>
internal sealed class ManagedLz4 : Lz4Backend
{
    public static readonly ManagedLz4 Instance = new();

    private ManagedLz4()
    {
    }

    public override string Name => "managed";

    public override int CompressBound(int inputSize) => LZ4Codec.MaximumOutputSize(inputSize);

    public override int Compress(ReadOnlySpan<byte> source, Span<byte> destination) =>
        LZ4Codec.Encode(source, destination, LZ4Level.L00_FAST);

    public override int Decompress(ReadOnlySpan<byte> source, Span<byte> destination) => LZ4Codec.Decode(source, destination);
}

/// <summary>The system liblz4, loaded by <see cref="NativeCodecLibrary"/>.</summary>
internal sealed unsafe class NativeLz4 : Lz4Backend
{
    private readonly string _name;
    private readonly delegate* unmanaged<int, int> _compressBound;
    private readonly delegate* unmanaged<byte*, byte*, int, int, int> _compressDefault;
    private readonly delegate* unmanaged<byte*, byte*, int, int, int> _decompressSafe;

    public NativeLz4(NativeCodecLibrary library)
    {
        _name = library.PrimaryName;
        _compressBound = (delegate* unmanaged<int, int>)library.GetExport("LZ4_compressBound");
        _compressDefault = (delegate* unmanaged<byte*, byte*, int, int, int>)library.GetExport("LZ4_compress_default");
        _decompressSafe = (delegate* unmanaged<byte*, byte*, int, int, int>)library.GetExport("LZ4_decompress_safe");
    }

    public override string Name => _name;

    public override int CompressBound(int inputSize) => _compressBound(inputSize);

    public override int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            return _compressDefault(src, dst, source.Length, destination.Length);
        }
    }

    public override int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            return _decompressSafe(src, dst, source.Length, destination.Length);
        }
    }
}
