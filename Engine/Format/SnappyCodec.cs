using System.Buffers;

namespace SlateFast.Format;

/// <summary>
/// SlateDB's Snappy layout: the raw Snappy block format (varint uncompressed length, then literal
/// and copy elements), no framing, through Snappier in both directions, straight into the
/// caller's buffer. Our own decoder served until Snappier measured 1.4x faster at 4 KiB blocks
/// (RFC 0025); the declared length is still read and bounded here before anything is written.
/// </summary>
internal static class SnappyCodec
{
    public static void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        Span<byte> destination = output.GetSpan(Snappier.Snappy.GetMaxCompressedLength(input.Length));
        output.Advance(Snappier.Snappy.Compress(input, destination));
    }

    public static int Decompress(ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output)
    {
        int position = 0;
        uint declared = ReadLength(input, ref position);
        Compression.CheckDeclaredSize(CompressionCodec.Snappy, declared, maxOutputSize);
        int size = (int)declared;
        Span<byte> destination = output.GetSpan(Math.Max(size, 1)).Slice(0, size);
        int written;
        try
        {
            // The whole input, length varint included: Snappier reads the length itself and
            // fails when the elements do not fill it.
            written = Snappier.Snappy.Decompress(input, destination);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or OverflowException)
        {
            return ThrowHelper.Data<int>($"Snappy data is corrupt: {ex.Message}");
        }

        if (written != size)
        {
            ThrowHelper.Data($"Snappy data decoded to {written} bytes, but {size} were declared");
        }

        output.Advance(size);
        return size;
    }

    /// <summary>The declared uncompressed length; <see cref="ErrorKind.Data"/> when it is not a valid u32 varint.</summary>
    public static uint ReadLength(ReadOnlySpan<byte> input, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (position >= input.Length)
            {
                ThrowHelper.Data("Snappy data ends inside its length varint");
            }

            byte b = input[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value <= uint.MaxValue ? (uint)value : ThrowHelper.Data<uint>("Snappy length does not fit in 32 bits");
            }
        }

        return ThrowHelper.Data<uint>("Snappy length varint is longer than 5 bytes");
    }
}
