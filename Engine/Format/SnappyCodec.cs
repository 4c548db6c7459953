using System.Buffers;

namespace SlateFast.Format;

/// <summary>
/// SlateDB's Snappy layout: the raw Snappy block format (varint uncompressed length, then literal
/// and copy elements), no framing. Compression uses IronSnappy; decompression is our own so it can
/// write straight into the caller's buffer and bound every length by the declared size.
/// </summary>
internal static class SnappyCodec
{
    public static void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output) =>
        // IronSnappy only returns a fresh array; writes are not the hot path, reads are.
        output.Write(IronSnappy.Snappy.Encode(input));

    public static int Decompress(ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output)
    {
        int position = 0;
        uint declared = ReadLength(input, ref position);
        Compression.CheckDeclaredSize(CompressionCodec.Snappy, declared, maxOutputSize);
        int size = (int)declared;
        Span<byte> destination = output.GetSpan(Math.Max(size, 1)).Slice(0, size);
        Decode(input.Slice(position), destination);
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

    /// <summary>Decodes the elements after the length; they must fill <paramref name="destination"/> exactly.</summary>
    private static void Decode(ReadOnlySpan<byte> src, Span<byte> destination)
    {
        int s = 0;
        int d = 0;
        while (s < src.Length)
        {
            byte tag = src[s++];
            int length;
            int offset;
            switch (tag & 3)
            {
                case 0:
                    length = tag >> 2;
                    if (length >= 60)
                    {
                        // 60..63: the literal length minus one follows in 1..4 little-endian bytes.
                        int extra = length - 59;
                        if (src.Length - s < extra)
                        {
                            ThrowHelper.Data("Snappy data ends inside a literal length");
                        }

                        uint value = 0;
                        for (int i = 0; i < extra; i++)
                        {
                            value |= (uint)src[s + i] << (8 * i);
                        }

                        s += extra;
                        if (value >= (uint)(destination.Length - d))
                        {
                            ThrowHelper.Data("Snappy literal runs past the declared length");
                        }

                        length = (int)value;
                    }

                    length++;
                    if (length > destination.Length - d || length > src.Length - s)
                    {
                        ThrowHelper.Data("Snappy literal runs past the declared length or the input");
                    }

                    src.Slice(s, length).CopyTo(destination.Slice(d));
                    s += length;
                    d += length;
                    continue;
                case 1:
                    if (s >= src.Length)
                    {
                        ThrowHelper.Data("Snappy data ends inside a copy");
                    }

                    length = 4 + ((tag >> 2) & 7);
                    offset = ((tag >> 5) << 8) | src[s++];
                    break;
                case 2:
                    if (src.Length - s < 2)
                    {
                        ThrowHelper.Data("Snappy data ends inside a copy");
                    }

                    length = 1 + (tag >> 2);
                    offset = src[s] | (src[s + 1] << 8);
                    s += 2;
                    break;
                default:
                    if (src.Length - s < 4)
                    {
                        ThrowHelper.Data("Snappy data ends inside a copy");
                    }

                    length = 1 + (tag >> 2);
                    uint wide = (uint)(src[s] | (src[s + 1] << 8) | (src[s + 2] << 16)) | ((uint)src[s + 3] << 24);
                    s += 4;
                    offset = wide > int.MaxValue ? int.MaxValue : (int)wide;
                    break;
            }

            if (offset == 0 || offset > d)
            {
                ThrowHelper.Data($"Snappy copy offset {offset} points outside the {d} bytes decoded so far");
            }

            if (length > destination.Length - d)
            {
                ThrowHelper.Data("Snappy copy runs past the declared length");
            }

            Copy(destination, d, offset, length);
            d += length;
        }

        if (d != destination.Length)
        {
            ThrowHelper.Data($"Snappy data decoded to {d} bytes, but {destination.Length} were declared");
        }
    }

    private static void Copy(Span<byte> buffer, int position, int offset, int length)
    {
        int from = position - offset;
        if (offset >= length)
        {
            buffer.Slice(from, length).CopyTo(buffer.Slice(position));
            return;
        }

        // Overlapping copy repeats the last `offset` bytes; byte order matters.
        for (int i = 0; i < length; i++)
        {
            buffer[position + i] = buffer[from + i];
        }
    }
}
