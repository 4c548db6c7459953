using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SlateFast.Format.Rows;

/// <summary>
/// The part V0 and V2 rows share: <c>u64 BE seq | u8 flags | [i64 BE expire_ts] | [i64 BE create_ts]</c>
/// (expire before create in both codecs).
/// </summary>
internal static class RowTail
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(scoped in RowEntry row) =>
        sizeof(ulong) + 1 + (row.ExpireTs.HasValue ? sizeof(long) : 0) + (row.CreateTs.HasValue ? sizeof(long) : 0);

    /// <summary>Writes seq, flags and timestamps; the caller has checked the space.</summary>
    public static int Write(Span<byte> dest, scoped in RowEntry row)
    {
        BinaryPrimitives.WriteUInt64BigEndian(dest, row.Seq);
        dest[sizeof(ulong)] = row.Flags;
        int pos = sizeof(ulong) + 1;
        if (row.ExpireTs is long expire)
        {
            BinaryPrimitives.WriteInt64BigEndian(dest[pos..], expire);
            pos += sizeof(long);
        }

        if (row.CreateTs is long create)
        {
            BinaryPrimitives.WriteInt64BigEndian(dest[pos..], create);
            pos += sizeof(long);
        }

        return pos;
    }

    /// <summary>Reads the timestamps <paramref name="flags"/> announce at <paramref name="pos"/>; returns the position after them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadTimestamps(ReadOnlySpan<byte> src, int pos, byte flags, out long expireTs, out long createTs)
    {
        expireTs = 0;
        createTs = 0;
        if ((flags & RowFlags.HasExpireTs) != 0)
        {
            if (src.Length - pos < sizeof(long))
            {
                ThrowHelper.Data("row truncated in expire_ts");
            }

            expireTs = BinaryPrimitives.ReadInt64BigEndian(src[pos..]);
            pos += sizeof(long);
        }

        if ((flags & RowFlags.HasCreateTs) != 0)
        {
            if (src.Length - pos < sizeof(long))
            {
                ThrowHelper.Data("row truncated in create_ts");
            }

            createTs = BinaryPrimitives.ReadInt64BigEndian(src[pos..]);
            pos += sizeof(long);
        }

        return pos;
    }
}
