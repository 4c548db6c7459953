using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace SlateFast.Format;

/// <summary>SlateDB's Zlib layout: an RFC 1950 zlib stream (header, deflate, Adler-32) at level 6.</summary>
internal static unsafe class ZlibCodec
{
    /// <summary>The level SlateDB compresses with (flate2's default).</summary>
    public const int Level = 6;

    private const int HeaderLength = 2;
    private const int TrailerLength = 4;
    private const int ChunkSize = 16 * 1024;

    public static void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        if (input.IsEmpty)
        {
            // ZLibStream writes nothing at all when given no bytes, which is not a zlib stream. This is
            // the level-6 header, one empty final fixed-Huffman block, and Adler-32 of nothing (1).
            output.Write<byte>([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
            return;
        }

        using var sink = new BufferWriterStream(output);
        using (var zlib = new ZLibStream(sink, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true))
        {
            zlib.Write(input);
        }
    }

    public static int Decompress(ReadOnlySpan<byte> input, int maxOutputSize, IBufferWriter<byte> output)
    {
        if (input.Length < HeaderLength + TrailerLength)
        {
            ThrowHelper.Data($"Zlib data is {input.Length} bytes, shorter than a zlib header and trailer");
        }

        CheckHeader(input[0], input[1]);
        int total = 0;
        uint adler = Adler32.Initial;
        try
        {
            fixed (byte* src = input)
            {
                using var source = new UnmanagedMemoryStream(src, input.Length);
                using var zlib = new ZLibStream(source, CompressionMode.Decompress);
                while (true)
                {
                    int room = maxOutputSize - total;
                    if (room == 0)
                    {
                        // At the limit: any further byte means the data is larger than allowed.
                        Span<byte> probe = stackalloc byte[1];
                        if (zlib.Read(probe) != 0)
                        {
                            ThrowHelper.Data($"Zlib data decompresses to more than the limit of {maxOutputSize} bytes");
                        }

                        break;
                    }

                    Span<byte> chunk = output.GetSpan(Math.Min(room, ChunkSize));
                    chunk = chunk.Slice(0, Math.Min(chunk.Length, room));
                    int read = zlib.Read(chunk);
                    if (read == 0)
                    {
                        break;
                    }

                    adler = Adler32.Update(adler, chunk.Slice(0, read));
                    output.Advance(read);
                    total += read;
                }
            }
        }
        catch (InvalidDataException ex)
        {
            ThrowHelper.Data($"Zlib data is corrupt: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            // ZLibException: zlib itself refused the stream. The source is memory, so no real I/O failed.
            ThrowHelper.Data($"Zlib data is corrupt: {ex.Message}", ex);
        }

        // zlib checks the trailer only when it reaches it; a truncated stream just ends early. The
        // stream must end exactly where the input ends, so the last four bytes are its checksum.
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(input.Slice(input.Length - TrailerLength));
        if (stored != adler)
        {
            ThrowHelper.Data($"Zlib data is truncated or corrupt: Adler-32 of the {total} decompressed bytes is {adler:x8}, trailer says {stored:x8}");
        }

        return total;
    }

    private static void CheckHeader(byte cmf, byte flg)
    {
        // RFC 1950: method 8 (deflate), window at most 32 KiB, header check, and no preset
        // dictionary (SlateDB never uses one; zlib would stop and ask for it).
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0)
        {
            ThrowHelper.Data($"Zlib header {cmf:x2} {flg:x2} is not a deflate stream without a preset dictionary");
        }
    }

    private static class Adler32
    {
        public const uint Initial = 1;
        private const uint Modulus = 65521;

        // Largest run of bytes whose sums cannot overflow 32 bits before reducing.
        private const int MaxRun = 5552;

        public static uint Update(uint adler, ReadOnlySpan<byte> data)
        {
            uint a = adler & 0xFFFF;
            uint b = adler >> 16;
            while (!data.IsEmpty)
            {
                int run = Math.Min(data.Length, MaxRun);
                foreach (byte value in data.Slice(0, run))
                {
                    a += value;
                    b += a;
                }

                a %= Modulus;
                b %= Modulus;
                data = data.Slice(run);
            }

            return (b << 16) | a;
        }
    }

    /// <summary>A write-only stream that appends to an <see cref="IBufferWriter{T}"/>.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> writer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);

        public override void Write(byte[] buffer, int offset, int count) => writer.Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
