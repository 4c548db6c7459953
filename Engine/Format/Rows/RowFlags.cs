using System.Runtime.CompilerServices;

namespace SlateFast.Format.Rows;

/// <summary>The row flags byte shared by V0 and V2 rows (spec §5.7).</summary>
internal static class RowFlags
{
    public const byte Tombstone = 0x01;
    public const byte HasExpireTs = 0x02;
    public const byte HasCreateTs = 0x04;
    public const byte MergeOperand = 0x08;
    private const byte Known = Tombstone | HasExpireTs | HasCreateTs | MergeOperand;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Encode(RowKind kind, bool hasExpireTs, bool hasCreateTs)
    {
        int flags = kind switch
        {
            RowKind.Tombstone => Tombstone,
            RowKind.Merge => MergeOperand,
            _ => 0,
        };
        if (hasExpireTs)
        {
            flags |= HasExpireTs;
        }

        if (hasCreateTs)
        {
            flags |= HasCreateTs;
        }

        return (byte)flags;
    }

    /// <summary>
    /// The kind a flags byte declares. Unknown bits (written by a newer codec) and
    /// tombstone-with-merge are <see cref="ErrorKind.Data"/>, as in SlateDB.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RowKind DecodeKind(byte flags)
    {
        if ((flags & ~Known) != 0 || (flags & (Tombstone | MergeOperand)) == (Tombstone | MergeOperand))
        {
            ThrowInvalidFlags(flags);
        }

        return (flags & Tombstone) != 0 ? RowKind.Tombstone
            : (flags & MergeOperand) != 0 ? RowKind.Merge
            : RowKind.Value;
    }

    private static void ThrowInvalidFlags(byte flags) =>
        ThrowHelper.Data($"invalid row flags 0x{flags:X2}");
}
