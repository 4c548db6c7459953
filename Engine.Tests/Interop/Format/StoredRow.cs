using SlateFast.Format;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Interop.Format;

/// <summary>One row exactly as an SST stores it (a tombstone has an empty value). Compares by bytes.</summary>
internal sealed record StoredRow(byte[] Key, byte[] Value, ulong Seq, RowKind Kind, long? CreateTs, long? ExpireTs)
{
    public static StoredRow From(BlockIterator it) =>
        new(it.Key.ToArray(), it.Value.ToArray(), it.Seq, it.Kind, it.CreateTs, it.ExpireTs);

    public RowEntry Entry => new(Key, Value, Seq, Kind, ExpireTs, CreateTs);

    public bool Equals(StoredRow? other) =>
        other is not null
        && Key.AsSpan().SequenceEqual(other.Key)
        && Value.AsSpan().SequenceEqual(other.Value)
        && Seq == other.Seq
        && Kind == other.Kind
        && CreateTs == other.CreateTs
        && ExpireTs == other.ExpireTs;

    public override int GetHashCode() => HashCode.Combine(Key.Length, Seq, Kind);

    public override string ToString() =>
        $"{{{Kind} key={Convert.ToHexString(Key)} value={Convert.ToHexString(Value)} seq={Seq} create_ts={CreateTs} expire_ts={ExpireTs}}}";
}
