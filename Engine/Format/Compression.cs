using System.Buffers;

namespace SlateFast.Format;

/// <summary>
/// Compresses and decompresses SST sections with the codecs of SlateDB's <c>CompressionFormat</c>
/// (spec §5.2). Output goes to an <see cref="IBufferWriter{T}"/> so callers reuse pooled buffers.
/// </summary>
/// <remarks>
/// Decompression treats its input as hostile: a declared size above <c>maxOutputSize</c>, a
/// size that does not match, or any decode failure is <see cref="ErrorKind.Data"/>, and no more
/// than <c>maxOutputSize</c> bytes are ever requested from the writer. Every codec has a managed
/// implementation; LZ4 and Zstd use the system library instead where <see cref="CodecBackends"/>
/// says so, and a library the user required but this machine lacks is
/// <see cref="ErrorKind.Invalid"/>, naming it.
/// </remarks>
internal static class Compression
{
    /// <summary>Appends the compressed form of <paramref name="input"/> to <paramref name="output"/>.</summary>
    public static void Compress(CompressionCodec codec, ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        switch (codec)
        {
            case CompressionCodec.None:
                output.Write(input);
                break;
            case CompressionCodec.Snappy:
                SnappyCodec.Compress(input, output);
                break;
            case CompressionCodec.Zlib:
                ZlibCodec.Compress(input, output);
                break;
            case CompressionCodec.Lz4:
                Lz4Codec.Compress(input, output);
                break;
            case CompressionCodec.Zstd:
                ZstdCodec.Compress(input, output);
                break;
            default:
                ThrowHelper.Invalid($"unknown compression codec {(int)codec}");
                break;
        }
    }

    /// <summary>
    /// Appends the decompressed form of <paramref name="input"/> to <paramref name="output"/> and
    /// returns its length, which is at most <paramref name="maxOutputSize"/>.
    /// </summary>
    public static int Decompress(CompressionCodec codec, ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output)
    {
        if (maxOutputSize < 0)
        {
            ThrowHelper.Invalid($"maxOutputSize must not be negative; got {maxOutputSize}");
        }

        switch (codec)
        {
            case CompressionCodec.None:
                CheckDeclaredSize(codec, input.Length, maxOutputSize);
                output.Write(input);
                return input.Length;
            case CompressionCodec.Snappy:
                return SnappyCodec.Decompress(input, maxOutputSize, output);
            case CompressionCodec.Zlib:
                return ZlibCodec.Decompress(input, maxOutputSize, output);
            case CompressionCodec.Lz4:
                return Lz4Codec.Decompress(input, maxOutputSize, output);
            case CompressionCodec.Zstd:
                return ZstdCodec.Decompress(input, maxOutputSize, output);
            default:
                return ThrowHelper.Data<int>($"unknown compression codec {(int)codec}");
        }
    }

    /// <summary>
    /// Fails (<see cref="ErrorKind.Invalid"/>, naming the library) when <paramref name="codec"/>
    /// was required to use a system library this machine cannot load. Opening a writer checks this, so a missing
    /// library is an error at open rather than a failure of the first WAL object.
    /// </summary>
    public static void EnsureAvailable(CompressionCodec codec)
    {
        switch (codec)
        {
            case CompressionCodec.Lz4:
                Lz4Codec.EnsureAvailable();
                break;
            case CompressionCodec.Zstd:
                ZstdCodec.EnsureAvailable();
                break;
        }
    }

    /// <summary>Maps a stored <c>CompressionFormat</c> byte to a codec; <see cref="ErrorKind.Data"/> for unknown values.</summary>
    public static CompressionCodec FromStored(int value) =>
        value is >= (int)CompressionCodec.None and <= (int)CompressionCodec.Zstd
            ? (CompressionCodec)value
            : ThrowHelper.Data<CompressionCodec>($"unknown compression format {value}");

    internal static void CheckDeclaredSize(CompressionCodec codec, long declared, int maxOutputSize)
    {
        if ((ulong)declared > (ulong)maxOutputSize)
        {
            ThrowHelper.Data($"{codec} data declares {declared} bytes uncompressed, more than the limit of {maxOutputSize}");
        }
    }
}
