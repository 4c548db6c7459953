using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using SlateFast.Format;

namespace SlateFast.ObjectStore.DiskCache;

/// <summary>
/// The cache's file formats. A part file holds one aligned part of an object:
/// <code>
/// 0   u32 magic "SFP1"
/// 4   u32 data length
/// 8   u32 chunk size (4 KiB)
/// 12  u32 chunk count
/// 16  u32 CRC-32 of bytes 0..16 and the chunk table
/// 20  u32 × chunk count: CRC-32 of each chunk of the data
/// ..  the data
/// </code>
/// A chunk checksum, not one for the whole part, so a 4 KiB block read checks about 8 KiB instead
/// of the 4 MiB part. Files are written to a temporary name and renamed, without fsync: after a
/// power cut a file may hold zeros or a torn tail, which the checksums catch, and a caught file is
/// deleted and fetched again. The head file records which version of the object the parts belong
/// to: its size and entity tag. All integers are little-endian.
/// </summary>
internal static class PartFile
{
    public const int ChunkSize = 4096;
    private const uint PartMagic = 0x31504653; // "SFP1"
    private const uint HeadMagic = 0x31484653; // "SFH1"
    private const int FixedHeader = 20;

    public static int HeaderLength(int dataLength) => FixedHeader + (4 * ChunkCount(dataLength));

    public static int FileLength(int dataLength) => HeaderLength(dataLength) + dataLength;

    private static int ChunkCount(int dataLength) => (dataLength + ChunkSize - 1) / ChunkSize;

    /// <summary>Writes the part file's header for <paramref name="data"/> into <paramref name="header"/> (of <see cref="HeaderLength"/> bytes).</summary>
    public static void WriteHeader(Span<byte> header, ReadOnlySpan<byte> data)
    {
        var chunks = ChunkCount(data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header, PartMagic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], ChunkSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], chunks);
        for (var i = 0; i < chunks; i++)
        {
            var chunk = data.Slice(i * ChunkSize, Math.Min(ChunkSize, data.Length - (i * ChunkSize)));
            BinaryPrimitives.WriteUInt32LittleEndian(header[(FixedHeader + (4 * i))..], Crc32.Compute(chunk));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], HeaderCrc(header));
    }

    private static uint HeaderCrc(ReadOnlySpan<byte> header) =>
        Crc32.Compute(header[..16], header[FixedHeader..]);

    /// <summary>
    /// Reads bytes [<paramref name="start"/>, start + destination length) of the part's data from
    /// the open file into <paramref name="destination"/>, checking every chunk they touch. False
    /// when the file is not a whole, intact part of <paramref name="expectedLength"/> bytes.
    /// </summary>
    public static bool TryRead(SafeFileHandle file, int expectedLength, int start, Span<byte> destination)
    {
        var headerLength = HeaderLength(expectedLength);
        if (RandomAccess.GetLength(file) != headerLength + (long)expectedLength)
        {
            return false;
        }

        var firstChunk = start / ChunkSize;
        var endChunk = ChunkCount(start + destination.Length);
        var chunkBytes = Math.Min(endChunk * ChunkSize, expectedLength) - (firstChunk * ChunkSize);
        // The header (up to 64 KiB for a 64 MiB part) and the touched chunks, in one pooled buffer.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(headerLength + chunkBytes);
        try
        {
            var header = buffer.AsSpan(0, headerLength);
            if (RandomAccess.Read(file, header, 0) != headerLength
                || BinaryPrimitives.ReadUInt32LittleEndian(header) != PartMagic
                || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != expectedLength
                || BinaryPrimitives.ReadInt32LittleEndian(header[8..]) != ChunkSize
                || BinaryPrimitives.ReadInt32LittleEndian(header[12..]) != ChunkCount(expectedLength)
                || BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != HeaderCrc(header))
            {
                return false;
            }

            var chunks = buffer.AsSpan(headerLength, chunkBytes);
            if (RandomAccess.Read(file, chunks, headerLength + ((long)firstChunk * ChunkSize)) != chunkBytes)
            {
                return false;
            }

            for (var i = 0; i * ChunkSize < chunkBytes; i++)
            {
                var chunk = chunks.Slice(i * ChunkSize, Math.Min(ChunkSize, chunkBytes - (i * ChunkSize)));
                if (Crc32.Compute(chunk) != BinaryPrimitives.ReadUInt32LittleEndian(header[(FixedHeader + (4 * (firstChunk + i)))..]))
                {
                    return false;
                }
            }

            chunks.Slice(start - (firstChunk * ChunkSize), destination.Length).CopyTo(destination);
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The head file's bytes: the object's size and entity tag, checksummed.</summary>
    public static byte[] EncodeHead(long size, string etag)
    {
        var tag = System.Text.Encoding.UTF8.GetBytes(etag);
        var bytes = new byte[4 + 8 + 4 + tag.Length + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, HeadMagic);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4), size);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), tag.Length);
        tag.CopyTo(bytes.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    /// <summary>Decodes a head file; false when it is damaged or not one.</summary>
    public static bool TryDecodeHead(ReadOnlySpan<byte> bytes, out long size, out string etag)
    {
        size = 0;
        etag = string.Empty;
        if (bytes.Length < 20
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != HeadMagic
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]) != bytes.Length - 20
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]) != Crc32.Compute(bytes[..^4]))
        {
            return false;
        }

        size = BinaryPrimitives.ReadInt64LittleEndian(bytes[4..]);
        etag = System.Text.Encoding.UTF8.GetString(bytes[16..^4]);
        return true;
    }
}
