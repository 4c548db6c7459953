using System.Buffers.Binary;
using System.Collections.Immutable;

namespace SlateFast.Manifest;

/// <summary>
/// The sequence tracker blob: <c>u8 version = 1 | u32 LE count | gorilla(seqs) | gorilla(seconds)</c>.
/// Each Gorilla stream is MSB-first bits padded to a byte: a 32-bit count, the first value in 64
/// bits, then delta-of-deltas with prefixes 0 / 10+7 / 110+9 / 1110+12 / 1111+32 bits.
/// </summary>
/// <remarks>
/// Like SlateDB, arithmetic wraps and the 32-bit case keeps only the low 32 bits of the
/// delta-of-delta, so samples whose delta changes by 2^31 or more do not survive a round trip;
/// real trackers (rising seqs, times a minute apart) never come near that.
/// </remarks>
internal static class SequenceTrackerCodec
{
    private const byte Version = 1;

    /// <summary>The blob of an empty tracker (13 bytes).</summary>
    public static ReadOnlySpan<byte> EmptyBlob => [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static byte[] Encode(SequenceTracker tracker)
    {
        var samples = tracker.Samples;
        var writer = new BitWriter(5 + (samples.Length * 4) + 32);
        writer.WriteByte(Version);
        writer.WriteU32LittleEndian((uint)samples.Length);
        WriteGorilla(ref writer, samples, static s => (long)s.Seq);
        WriteGorilla(ref writer, samples, static s => s.UnixSeconds);
        return writer.ToArray();
    }

    public static SequenceTracker Decode(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 5)
        {
            ThrowHelper.Data($"sequence tracker: {blob.Length} bytes is too short");
        }

        if (blob[0] != Version)
        {
            ThrowHelper.Data($"sequence tracker: unsupported version {blob[0]}");
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(blob[1..]);

        // Every value takes at least one bit, so a count beyond the bits present is corrupt; this
        // also bounds the allocation below by the input size.
        if (count > (ulong)(blob.Length - 5) * 8)
        {
            ThrowHelper.Data($"sequence tracker: count {count} exceeds what {blob.Length} bytes can hold");
        }

        var seqs = new long[count];
        var times = new long[count];
        var reader = new BitReader(blob[5..]);
        ReadGorilla(ref reader, seqs, "sequence numbers");
        reader.AlignToByte();
        ReadGorilla(ref reader, times, "timestamps");

        var samples = ImmutableArray.CreateBuilder<SequenceSample>((int)count);
        for (int i = 0; i < seqs.Length; i++)
        {
            samples.Add(new SequenceSample((ulong)seqs[i], times[i]));
        }

        return new SequenceTracker(samples.MoveToImmutable());
    }

    private static void WriteGorilla(ref BitWriter w, ImmutableArray<SequenceSample> samples, Func<SequenceSample, long> select)
    {
        w.Write((uint)samples.Length, 32);
        if (samples.Length > 0)
        {
            long prev = select(samples[0]);
            w.Write((ulong)prev, 64);
            long prevDelta = 0;
            for (int i = 1; i < samples.Length; i++)
            {
                long value = select(samples[i]);
                long delta = unchecked(value - prev);
                long dod = unchecked(delta - prevDelta);
                switch (dod)
                {
                    case 0:
                        w.Write(0, 1);
                        break;
                    case >= -63 and <= 63:
                        w.Write(0b10, 2);
                        w.Write((ulong)dod & 0x7F, 7);
                        break;
                    case >= -255 and <= 255:
                        w.Write(0b110, 3);
                        w.Write((ulong)dod & 0x1FF, 9);
                        break;
                    case >= -2047 and <= 2047:
                        w.Write(0b1110, 4);
                        w.Write((ulong)dod & 0xFFF, 12);
                        break;
                    default:
                        w.Write(0b1111, 4);
                        w.Write((ulong)dod & 0xFFFF_FFFF, 32);
                        break;
                }

                prev = value;
                prevDelta = delta;
            }
        }

        w.AlignToByte();
    }

    private static void ReadGorilla(ref BitReader r, long[] values, string what)
    {
        uint count = (uint)r.Read(32, what);
        if (count != values.Length)
        {
            ThrowHelper.Data($"sequence tracker: {what} count {count} differs from header count {values.Length}");
        }

        if (count == 0)
        {
            return;
        }

        long prev = (long)r.Read(64, what);
        values[0] = prev;
        long prevDelta = 0;
        for (int i = 1; i < values.Length; i++)
        {
            long dod = 0;
            if (r.Read(1, what) == 1)
            {
                int ones = 1;
                while (ones < 4 && r.Read(1, what) == 1)
                {
                    ones++;
                }

                int width = ones switch { 1 => 7, 2 => 9, 3 => 12, _ => 32 };
                ulong raw = r.Read(width, what);
                dod = (long)(raw << (64 - width)) >> (64 - width);
            }

            long delta = unchecked(prevDelta + dod);
            long value = unchecked(prev + delta);
            values[i] = value;
            prev = value;
            prevDelta = delta;
        }
    }

    private ref struct BitWriter
    {
        private byte[] _buf;
        private long _bits;

        public BitWriter(int capacity)
        {
            _buf = new byte[Math.Max(16, capacity)];
            _bits = 0;
        }

        public void WriteByte(byte value) => Write(value, 8);

        public void WriteU32LittleEndian(uint value)
        {
            for (int i = 0; i < 4; i++)
            {
                Write((value >> (8 * i)) & 0xFF, 8);
            }
        }

        public void Write(ulong value, int width)
        {
            for (int i = width - 1; i >= 0; i--)
            {
                int byteIndex = (int)(_bits >> 3);
                if (byteIndex >= _buf.Length)
                {
                    Array.Resize(ref _buf, _buf.Length * 2);
                }

                if (((value >> i) & 1) != 0)
                {
                    _buf[byteIndex] |= (byte)(0x80 >> (int)(_bits & 7));
                }

                _bits++;
            }
        }

        public void AlignToByte() => _bits = (_bits + 7) & ~7L;

        public readonly byte[] ToArray() => _buf.AsSpan(0, (int)(_bits >> 3)).ToArray();
    }

    private ref struct BitReader
    {
        private readonly ReadOnlySpan<byte> _buf;
        private long _bits;

        public BitReader(ReadOnlySpan<byte> buffer)
        {
            _buf = buffer;
            _bits = 0;
        }

        public ulong Read(int width, string what)
        {
            if (_bits + width > (long)_buf.Length * 8)
            {
                ThrowHelper.Data($"sequence tracker: {what} end early");
            }

            ulong value = 0;
            for (int i = 0; i < width; i++)
            {
                int bit = (_buf[(int)(_bits >> 3)] >> (7 - (int)(_bits & 7))) & 1;
                value = (value << 1) | (uint)bit;
                _bits++;
            }

            return value;
        }

        public void AlignToByte() => _bits = (_bits + 7) & ~7L;
    }
}
