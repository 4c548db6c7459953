namespace SlateFast.Tests.Interop;

/// <summary>
/// One live row as real SlateDB reported it. Equality compares bytes, so lists of rows can be
/// compared with Assert.Equal; ToString shows hex so a failing comparison is readable.
/// </summary>
public sealed record SlateDbRow(byte[] Key, byte[] Value, ulong Seq, long CreateTs, long? ExpireTs)
{
    public bool Equals(SlateDbRow? other) =>
        other is not null
        && Key.AsSpan().SequenceEqual(other.Key)
        && Value.AsSpan().SequenceEqual(other.Value)
        && Seq == other.Seq
        && CreateTs == other.CreateTs
        && ExpireTs == other.ExpireTs;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Key);
        hash.AddBytes(Value);
        hash.Add(Seq);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"{{key={Convert.ToHexString(Key)} value={Convert.ToHexString(Value)} seq={Seq} create_ts={CreateTs} expire_ts={ExpireTs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}}}";
}
