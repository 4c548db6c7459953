using System.Buffers.Binary;

namespace SlateFast.Fuzz;

/// <summary>
/// Structure-unaware mutations that still hit what binary decoders care about: lengths, counts,
/// offsets and varints (set to edge values), truncation, and repeated or spliced regions.
/// </summary>
internal sealed class Mutator(Random random)
{
    private const int MaxLength = 1 << 20;

    private static readonly byte[] s_interestingBytes = [0x00, 0x01, 0x02, 0x7F, 0x80, 0x81, 0xFE, 0xFF];

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
                // Cut near the end more often: trailers and footers live there.
                int keep = random.Next(2) == 0 ? random.Next(data.Count) : Math.Max(0, data.Count - 1 - random.Next(16));
                data.RemoveRange(keep, data.Count - keep);
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
