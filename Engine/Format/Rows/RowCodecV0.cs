using System.Buffers.Binary;

namespace SlateFast.Format.Rows;

/// <summary>
/// V0 rows (spec §5.5), the rows of V1 blocks; SlateFast only writes them in tests:
/// <c>u16 BE prefix_len | u16 BE suffix_len | suffix | u64 BE seq | u8 flags | [i64 expire_ts] | [i64 create_ts]
/// | u32 BE value_len | value</c>, the last two omitted for tombstones. The prefix is shared with the block's first key.
/// </summary>
internal static class RowCodecV0
{
    private const int Header = 2 * sizeof(ushort);

    public static int EncodedLength(scoped in RowEntry row, int prefix)
    {
        int length = Header + (row.Key.Length - prefix) + RowTail.Length(row);
        if (row.Kind != RowKind.Tombstone)
        {
            length += sizeof(uint) + row.Value.Length;
        }

        return length;
    }

    /// <summary>Writes <paramref name="row"/> at the start of <paramref name="dest"/>; returns the bytes written.</summary>
    /// <exception cref="SlateFastException">Invalid when a length does not fit u16 or <paramref name="dest"/> is too short.</exception>
    public static int Encode(Span<byte> dest, scoped in RowEntry row, int prefix)
    {
        if ((uint)prefix > (uint)row.Key.Length || row.Key.Length > ushort.MaxValue)
        {
            ThrowHelper.Invalid("V0 rows need a key of at most 65535 bytes and a prefix within it");
        }

        if (dest.Length < EncodedLength(row, prefix))
        {
            ThrowHelper.Invalid("destination too short for row");
        }

        ReadOnlySpan<byte> suffix = row.Key[prefix..];
        BinaryPrimitives.WriteUInt16BigEndian(dest, (ushort)prefix);
        BinaryPrimitives.WriteUInt16BigEndian(dest[sizeof(ushort)..], (ushort)suffix.Length);
        suffix.CopyTo(dest[Header..]);
        int pos = Header + suffix.Length;
        pos += RowTail.Write(dest[pos..], row);
        if (row.Kind != RowKind.Tombstone)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dest[pos..], (uint)row.Value.Length);
            pos += sizeof(uint);
            row.Value.CopyTo(dest[pos..]);
            pos += row.Value.Length;
        }

        return pos;
    }

    /// <summary>Decodes the row at the start of <paramref name="src"/>; any inconsistency is <see cref="ErrorKind.Data"/>.</summary>
    public static RowParts Decode(ReadOnlySpan<byte> src)
    {
        if (src.Length < Header)
        {
            ThrowHelper.Data("row truncated in its header");
        }

        int prefix = BinaryPrimitives.ReadUInt16BigEndian(src);
        int suffixLength = BinaryPrimitives.ReadUInt16BigEndian(src[sizeof(ushort)..]);
        if (src.Length - Header < suffixLength + sizeof(ulong) + 1)
        {
            ThrowHelper.Data("row longer than its block");
        }

        ReadOnlySpan<byte> suffix = src.Slice(Header, suffixLength);
        int pos = Header + suffixLength;
        ulong seq = BinaryPrimitives.ReadUInt64BigEndian(src[pos..]);
        byte flags = src[pos + sizeof(ulong)];
        pos += sizeof(ulong) + 1;
        RowKind kind = RowFlags.DecodeKind(flags);
        pos = RowTail.ReadTimestamps(src, pos, flags, out long expireTs, out long createTs);

        ReadOnlySpan<byte> value = default;
        int valueStart = pos;
        if (kind != RowKind.Tombstone)
        {
            if (src.Length - pos < sizeof(uint))
            {
                ThrowHelper.Data("row truncated in value_len");
            }

            uint valueLength = BinaryPrimitives.ReadUInt32BigEndian(src[pos..]);
            pos += sizeof(uint);
            valueStart = pos;
            if (valueLength > (uint)(src.Length - pos))
            {
                ThrowHelper.Data("row value longer than its block");
            }

            value = src.Slice(pos, (int)valueLength);
            pos += (int)valueLength;
        }

        return new RowParts(prefix, suffix, value, seq, flags, kind, expireTs, createTs, valueStart, pos);
    }
}
