using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SlateFast.Format.Rows;

/// <summary>
/// V2 rows (spec §5.4), written by SlateDB 0.12 in V2 blocks:
/// <c>varint shared | varint unshared | varint value_len | key suffix | value | u64 BE seq | u8 flags
/// | [i64 BE expire_ts] | [i64 BE create_ts]</c>.
/// </summary>
internal static class RowCodecV2
{
    private const int FixedTail = sizeof(ulong) + 1;

    /// <summary>Encoded length of <paramref name="row"/> when its first <paramref name="shared"/> key bytes are elided.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EncodedLength(scoped in RowEntry row, int shared)
    {
        int unshared = row.Key.Length - shared;
        int length = Varint.Size((uint)shared) + Varint.Size((uint)unshared) + Varint.Size((uint)row.Value.Length)
            + unshared + row.Value.Length + FixedTail;
        if (row.ExpireTs.HasValue)
        {
            length += sizeof(long);
        }

        if (row.CreateTs.HasValue)
        {
            length += sizeof(long);
        }

        return length;
    }

    /// <summary>Writes <paramref name="row"/> at the start of <paramref name="dest"/>; returns the bytes written.</summary>
    /// <exception cref="SlateFastException">Invalid when <paramref name="shared"/> exceeds the key or <paramref name="dest"/> is too short.</exception>
    public static int Encode(Span<byte> dest, scoped in RowEntry row, int shared)
    {
        if ((uint)shared > (uint)row.Key.Length)
        {
            ThrowHelper.Invalid("shared prefix longer than the key");
        }

        if (dest.Length < EncodedLength(row, shared))
        {
            ThrowHelper.Invalid("destination too short for row");
        }

        ReadOnlySpan<byte> suffix = row.Key[shared..];
        int pos = Varint.Write(dest, (uint)shared);
        pos += Varint.Write(dest[pos..], (uint)suffix.Length);
        pos += Varint.Write(dest[pos..], (uint)row.Value.Length);
        suffix.CopyTo(dest[pos..]);
        pos += suffix.Length;
        row.Value.CopyTo(dest[pos..]);
        pos += row.Value.Length;
        return pos + RowTail.Write(dest[pos..], row);
    }

    /// <summary>
    /// Decodes the row at the start of <paramref name="src"/> (which must end where the row may end at the
    /// latest). Any inconsistency is <see cref="ErrorKind.Data"/>.
    /// </summary>
    public static RowParts Decode(ReadOnlySpan<byte> src)
    {
        int pos = ReadLengths(src, out uint shared, out uint unshared, out uint valueLength);

        // Keys are at most 64 KiB, so a larger shared length can only be corruption.
        if (shared > ushort.MaxValue)
        {
            ThrowHelper.Data("row shares more than 65535 key bytes");
        }

        ReadOnlySpan<byte> suffix = src.Slice(pos, (int)unshared);
        pos += (int)unshared;
        int valueStart = pos;
        ReadOnlySpan<byte> value = src.Slice(pos, (int)valueLength);
        pos += (int)valueLength;

        ulong seq = BinaryPrimitives.ReadUInt64BigEndian(src[pos..]);
        byte flags = src[pos + sizeof(ulong)];
        pos += FixedTail;
        RowKind kind = RowFlags.DecodeKind(flags);
        if (kind == RowKind.Tombstone && valueLength != 0)
        {
            ThrowHelper.Data("tombstone row carries a value");
        }

        pos = RowTail.ReadTimestamps(src, pos, flags, out long expireTs, out long createTs);
        return new RowParts((int)shared, suffix, value, seq, flags, kind, expireTs, createTs, valueStart, pos);
    }

    /// <summary>
    /// Reads the three lengths that start a row and checks that the key suffix, the value and the
    /// fixed tail fit in <paramref name="src"/>; returns where the key suffix starts. What a reader
    /// that needs only keys (a block seek) reads; <see cref="Decode"/> starts the same way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadLengths(ReadOnlySpan<byte> src, out uint shared, out uint unshared, out uint valueLength)
    {
        int pos = 0;
        shared = Varint.Read(src, ref pos);
        unshared = Varint.Read(src, ref pos);
        valueLength = Varint.Read(src, ref pos);
        if ((ulong)pos + unshared + valueLength + FixedTail > (ulong)src.Length)
        {
            ThrowHelper.Data("row longer than its block");
        }

        return pos;
    }

    /// <summary>
    /// The length of the row whose lengths <see cref="ReadLengths"/> read (key suffix at
    /// <paramref name="suffixStart"/>), checked as <see cref="Decode"/> checks the rest of a row
    /// (flags, a tombstone's empty value, the timestamps' bytes) without decoding it.
    /// </summary>
    public static int SkipRest(ReadOnlySpan<byte> src, int suffixStart, uint unshared, uint valueLength)
    {
        int tail = suffixStart + (int)unshared + (int)valueLength;
        byte flags = src[tail + sizeof(ulong)];
        if (RowFlags.DecodeKind(flags) == RowKind.Tombstone && valueLength != 0)
        {
            ThrowHelper.Data("tombstone row carries a value");
        }

        int end = tail + FixedTail + ((flags & RowFlags.HasExpireTs) != 0 ? sizeof(long) : 0) + ((flags & RowFlags.HasCreateTs) != 0 ? sizeof(long) : 0);
        if (end > src.Length)
        {
            ThrowHelper.Data("row truncated in its timestamps");
        }

        return end;
    }
}
