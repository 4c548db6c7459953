using System.Buffers;
using System.Buffers.Binary;
using SlateFast.Format;
using SlateFast.Memory;

namespace SlateFast.Sst;

/// <summary>
/// The framing every SST section shares: payload, compressed with the SST's codec and encoded by
/// the database's block transformer (if any), followed by the CRC32 (big-endian) of the stored
/// bytes; and the 10-byte footer.
/// </summary>
internal static class SstSections
{
    /// <summary>u64 BE offset of the info, u16 BE format version.</summary>
    public const int FooterLength = 10;

    public const int ChecksumLength = 4;

    /// <summary>The SST format version SlateFast writes (SlateDB 0.12 writes 2).</summary>
    public const ushort CurrentFormatVersion = 2;

    /// <summary>
    /// Appends the section for <paramref name="payload"/> (compressed, then encoded by
    /// <paramref name="transformer"/> when there is one, then checksummed) and returns its stored
    /// length (CRC included).
    /// </summary>
    public static int Write(ReadOnlySpan<byte> payload, CompressionCodec codec, IBlockTransformer? transformer, PooledBufferWriter output)
    {
        var start = output.WrittenCount;
        if (transformer is not null)
        {
            WriteTransformed(payload, codec, transformer, output);
        }
        else if (codec == CompressionCodec.None)
        {
            output.Write(payload);
        }
        else
        {
            Compression.Compress(codec, payload, output);
        }

        var crc = Crc32.Compute(output.WrittenSpan[start..]);
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(ChecksumLength), crc);
        output.Advance(ChecksumLength);
        return output.WrittenCount - start;
    }

    private static void WriteTransformed(ReadOnlySpan<byte> payload, CompressionCodec codec, IBlockTransformer transformer, PooledBufferWriter output)
    {
        var start = output.WrittenCount;
        PooledBufferWriter? compressed = null;
        try
        {
            if (codec != CompressionCodec.None)
            {
                compressed = new PooledBufferWriter(payload.Length + 64);
                Compression.Compress(codec, payload, compressed);
                payload = compressed.WrittenSpan;
            }

            transformer.Encode(payload, output);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The builder stays usable: a half-encoded section must not end up in the object.
            output.Truncate(start);
            throw new SlateFastException(ErrorKind.Data, $"the block transformer failed to encode a block of {payload.Length} bytes: {e.Message}", e);
        }
        finally
        {
            compressed?.Dispose();
        }
    }

    /// <summary>Appends raw bytes followed by their CRC (the info section is never compressed).</summary>
    public static void WriteUncompressed(ReadOnlySpan<byte> payload, PooledBufferWriter output)
    {
        output.Write(payload);
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(ChecksumLength), Crc32.Compute(payload));
        output.Advance(ChecksumLength);
    }

    public static void WriteFooter(ulong metaOffset, ushort version, PooledBufferWriter output)
    {
        var span = output.GetSpan(FooterLength);
        BinaryPrimitives.WriteUInt64BigEndian(span, metaOffset);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], version);
        output.Advance(FooterLength);
    }

    /// <summary>
    /// Verifies a stored section's CRC and returns its payload, decoded by
    /// <paramref name="transformer"/> when there is one and decompressed when needed. A mismatch,
    /// a failed decode or a bad compressed stream is <see cref="ErrorKind.Data"/> naming the
    /// object and offset.
    /// </summary>
    public static ReadOnlyMemory<byte> Read(ReadOnlyMemory<byte> stored, CompressionCodec codec, IBlockTransformer? transformer, string path, long offset, string what, int maxPayloadSize)
    {
        var span = stored.Span;
        if (span.Length < ChecksumLength)
        {
            ThrowHelper.Data($"{path}: {what} at offset {offset} is {span.Length} bytes, too short for its checksum");
        }

        var body = stored[..^ChecksumLength];
        var expected = BinaryPrimitives.ReadUInt32BigEndian(span[^ChecksumLength..]);
        var actual = Crc32.Compute(body.Span);
        if (expected != actual)
        {
            ThrowHelper.Data($"{path}: checksum mismatch in {what} at offset {offset} (stored {expected:x8}, computed {actual:x8})");
        }

        if (transformer is not null)
        {
            body = Untransform(body, transformer, path, offset, what, maxPayloadSize);
        }

        if (codec == CompressionCodec.None)
        {
            return body;
        }

        try
        {
            var output = new ArrayBufferWriter<byte>(Math.Min(Math.Max(body.Length * 4, 256), maxPayloadSize));
            Compression.Decompress(codec, body.Span, maxPayloadSize, output);
            return output.WrittenMemory;
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            throw new SlateFastException(ErrorKind.Data, $"{path}: {what} at offset {offset} does not decompress: {e.Message}", e);
        }
    }

    private static ReadOnlyMemory<byte> Untransform(ReadOnlyMemory<byte> body, IBlockTransformer transformer, string path, long offset, string what, int maxPayloadSize)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(body.Length, 256));
        try
        {
            transformer.Decode(body.Span, output);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new SlateFastException(ErrorKind.Data, $"{path}: the block transformer failed to decode {what} at offset {offset}: {e.Message}", e);
        }

        if (output.WrittenCount > maxPayloadSize)
        {
            ThrowHelper.Data($"{path}: {what} at offset {offset} decodes to {output.WrittenCount} bytes, more than the limit of {maxPayloadSize}");
        }

        return output.WrittenMemory;
    }
}
