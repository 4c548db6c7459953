using System.Buffers.Binary;

namespace SlateFast.Fuzz;

/// <summary>
/// Structure-unaware mutations that still hit what binary decoders care about: lengths, counts,
/// offsets and varints (set to edge values), truncation at the boundaries the bytes themselves
/// point to, and repeated or spliced regions.
/// </summary>
internal sealed class Mutator(Random random)
{
    private const int MaxLength = 1 << 20;

    private static readonly byte[] s_interestingBytes = [0x00, 0x01, 0x02, 0x7F, 0x80, 0x81, 0xFE, 0xFF];

    private static readonly int[] s_fieldWidths = [2, 4, 8, 8];

    private static readonly ulong[] s_interestingValues =
    [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
        0xFFFFFFFF, 0x100000000, long.MaxValue, ulong.MaxValue,
    ];

    /// <summary>Applies one to four random mutations to a copy of <paramref name="input"/>.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        int count = 1 + random.Next(4);
        for (int i = 0; i < count; i++)
        {
            MutateOnce(data, corpus);
        }

        if (data.Count > MaxLength)
        {
            data.RemoveRange(MaxLength, data.Count - MaxLength);
        }

        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        switch (random.Next(10))
        {
            case 0 when data.Count > 0:
                data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[random.Next(data.Count)] = s_interestingBytes[random.Next(s_interestingBytes.Length)];
                break;
            case 2 when data.Count > 0:
                Truncate(data);
                break;
            case 3:
                int extra = 1 + random.Next(32);
                for (int i = 0; i < extra; i++)
                {
                    data.Add((byte)random.Next(256));
                }

                break;
            case 4 when corpus.Count > 0:
                Splice(data, corpus[random.Next(corpus.Count)]);
                break;
            case 5 when data.Count > 0:
                DuplicateChunk(data);
                break;
            case 6 when data.Count > 0:
                int start = random.Next(data.Count);
                data.RemoveRange(start, Math.Min(data.Count - start, 1 + random.Next(16)));
                break;
            case 7 when data.Count > 0:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            default:
                PerturbLengthField(data);
                break;
        }
    }

    /// <summary>
    /// Cuts the input short, or drops its head, at a boundary a decoder cares about: anywhere, just
    /// before a footer or trailer, at a position some integer field of the input points to (section,
    /// block and flatbuffer offsets, the start of a trailer sized by a count at the end), or at a power of two.
    /// </summary>
    private void Truncate(List<byte> data)
    {
        int cut = random.Next(5) switch
        {
            0 => random.Next(data.Count),
            1 => data.Count - 1 - random.Next(Math.Min(16, data.Count)),
            2 => ReferencedPosition(data) ?? random.Next(data.Count),
            3 => TrailerStart(data) ?? random.Next(data.Count),
            _ => Math.Min(data.Count - 1, (1 << random.Next(17)) - random.Next(2)),
        };

        cut = Math.Clamp(cut, 0, data.Count);
        if (random.Next(8) == 0)
        {
            // The other side: a reader handed a window that starts late (e.g. a section cut wrongly).
            data.RemoveRange(0, cut);
        }
        else
        {
            data.RemoveRange(cut, data.Count - cut);
        }
    }

    /// <summary>
    /// A position inside the input that some integer field of the input holds, picked uniformly among
    /// all such fields of one width and byte order. Wide fields are favoured: SST offsets are u64, and
    /// few other 8-byte windows hold a value smaller than the input.
    /// </summary>
    private int? ReferencedPosition(List<byte> data)
    {
        int count = data.Count;
        int width = s_fieldWidths[random.Next(s_fieldWidths.Length)];
        bool bigEndian = random.Next(2) == 0;
        var candidates = new List<int>();
        for (int at = 0; at + width <= count; at++)
        {
            ulong value = 0;
            for (int i = 0; i < width; i++)
            {
                value = (value << 8) | data[bigEndian ? at + i : at + width - 1 - i];
            }

            // Zero is everywhere and cuts everything; any other value inside the input may be an offset
            // (SST metadata sits at the end and points back at blocks and sections).
            if (value > 0 && value < (ulong)count)
            {
                candidates.Add((int)value);
            }
        }

        return candidates.Count == 0 ? null : candidates[random.Next(candidates.Count)];
    }

    /// <summary>Where a trailer of u16 offsets starts, if the last two bytes are its big-endian count (blocks) or the footer's info offset (SSTs).</summary>
    private int? TrailerStart(List<byte> data)
    {
        int count = data.Count;
        if (count >= 10 && random.Next(2) == 0)
        {
            ulong info = 0;
            for (int i = count - 10; i < count - 2; i++)
            {
                info = (info << 8) | data[i];
            }

            // Cutting at the info offset leaves the blocks and sections without their metadata.
            return info < (ulong)count ? (int)info : null;
        }

        if (count < 2)
        {
            return null;
        }

        int offsets = (data[count - 2] << 8) | data[count - 1];
        int trailer = count - 2 - (2 * offsets);
        return trailer >= 0 ? trailer + (2 * random.Next(offsets + 1)) : null;
    }

    private void Splice(List<byte> data, byte[] other)
    {
        int head = data.Count == 0 ? 0 : random.Next(data.Count + 1);
        int tail = other.Length == 0 ? 0 : random.Next(other.Length + 1);
        data.RemoveRange(head, data.Count - head);
        data.AddRange(other.AsSpan(tail).ToArray());
    }

    private void DuplicateChunk(List<byte> data)
    {
        int start = random.Next(data.Count);
        int length = Math.Min(data.Count - start, 1 + random.Next(64));
        byte[] chunk = data.GetRange(start, length).ToArray();
        data.InsertRange(random.Next(data.Count + 1), chunk);
    }

    /// <summary>Overwrites bytes at a random spot with an edge value in a common integer encoding.</summary>
    private void PerturbLengthField(List<byte> data)
    {
        ulong value = random.Next(4) switch
        {
            0 => (ulong)data.Count,
            1 => (ulong)Math.Max(0, data.Count + random.Next(-8, 9)),
            2 => (ulong)random.NextInt64(),
            _ => s_interestingValues[random.Next(s_interestingValues.Length)],
        };

        Span<byte> encoded = stackalloc byte[10];
        int length;
        switch (random.Next(6))
        {
            case 0:
                length = 0;
                ulong v = value;
                do
                {
                    byte b = (byte)(v & 0x7F);
                    v >>= 7;
                    encoded[length++] = v != 0 ? (byte)(b | 0x80) : b;
                }
                while (v != 0 && length < encoded.Length);
                break;
            case 1:
                BinaryPrimitives.WriteUInt16BigEndian(encoded, (ushort)value);
                length = 2;
                break;
            case 2:
                BinaryPrimitives.WriteUInt32BigEndian(encoded, (uint)value);
                length = 4;
                break;
            case 3:
                BinaryPrimitives.WriteUInt32LittleEndian(encoded, (uint)value);
                length = 4;
                break;
            case 4:
                BinaryPrimitives.WriteUInt64BigEndian(encoded, value);
                length = 8;
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(encoded, value);
                length = 8;
                break;
        }

        int position = data.Count == 0 ? 0 : random.Next(data.Count);
        for (int i = 0; i < length; i++)
        {
            if (position + i < data.Count)
            {
                data[position + i] = encoded[i];
            }
            else
            {
                data.Add(encoded[i]);
            }
        }
    }
}
