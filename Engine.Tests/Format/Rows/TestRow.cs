using SlateFast.Format;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Format;

/// <summary>A row held in managed arrays, for building inputs and comparing decoded output.</summary>
internal sealed record TestRow(byte[] Key, byte[] Value, ulong Seq, RowKind Kind, long? ExpireTs, long? CreateTs)
{
    public RowEntry ToEntry() => new(Key, Value, Seq, Kind, ExpireTs, CreateTs);

    public static TestRow From(RowEntry e) =>
        new(e.Key.ToArray(), e.Value.ToArray(), e.Seq, e.Kind, e.ExpireTs, e.CreateTs);

    public bool SameAs(TestRow other) =>
        Key.AsSpan().SequenceEqual(other.Key) && Value.AsSpan().SequenceEqual(other.Value) && Seq == other.Seq
        && Kind == other.Kind && ExpireTs == other.ExpireTs && CreateTs == other.CreateTs;

    public override string ToString() =>
        $"{Convert.ToHexString(Key.AsSpan(0, Math.Min(Key.Length, 32)))}{(Key.Length > 32 ? "..." : "")}[{Key.Length}] seq={Seq} {Kind} v[{Value.Length}] e={ExpireTs} c={CreateTs}";

    /// <summary>Orders compacted-SST rows: key ascending, then seq descending.</summary>
    public static int CompareKeyAscSeqDesc(TestRow a, TestRow b)
    {
        int c = a.Key.AsSpan().SequenceCompareTo(b.Key);
        return c != 0 ? c : b.Seq.CompareTo(a.Seq);
    }
}

/// <summary>Random rows that hit the edges: empty values, 65,535-byte keys, 0x00/0xFF bytes, extreme seqs and ticks.</summary>
internal static class RandomRows
{
    private static readonly byte[] Alphabet = [0x00, 0x01, 0x61, 0x62, 0x7F, 0x80, 0xFE, 0xFF];

    public static TestRow Next(Random rng, int maxKeyLength = 64, int maxValueLength = 200)
    {
        int keyLength = rng.Next(20) == 0 ? maxKeyLength : rng.Next(1, Math.Max(2, Math.Min(maxKeyLength, 24) + 1));
        byte[] key = Bytes(rng, keyLength);
        var kind = (RowKind)rng.Next(3);
        byte[] value = kind == RowKind.Tombstone ? [] : Bytes(rng, rng.Next(4) == 0 ? 0 : rng.Next(maxValueLength + 1));
        return new TestRow(key, value, Seq(rng), kind, Tick(rng), Tick(rng));
    }

    /// <summary>A key mostly drawn from a small alphabet so that neighbours share prefixes.</summary>
    public static byte[] Bytes(Random rng, int length)
    {
        byte[] bytes = new byte[length];
        if (rng.Next(3) == 0)
        {
            rng.NextBytes(bytes);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                bytes[i] = Alphabet[rng.Next(Alphabet.Length)];
            }
        }

        return bytes;
    }

    public static ulong Seq(Random rng) => rng.Next(6) switch
    {
        0 => ulong.MaxValue,
        1 => 0,
        2 => (ulong)rng.Next(1, 1000),
        _ => ((ulong)rng.NextInt64() << 1) | (uint)rng.Next(2),
    };

    public static long? Tick(Random rng) => rng.Next(7) switch
    {
        0 => null,
        1 => long.MinValue,
        2 => long.MaxValue,
        3 => -rng.NextInt64(1, long.MaxValue),
        4 => 0,
        _ => 1_700_000_000_000 + rng.Next(),
    };

    /// <summary>Distinct-enough rows sorted by (key asc, seq desc), with some keys repeated at several seqs.</summary>
    public static List<TestRow> Sorted(Random rng, int count, int maxKeyLength = 64, int maxValueLength = 200)
    {
        var rows = new List<TestRow>(count);
        var seen = new HashSet<(string, ulong)>();
        while (rows.Count < count)
        {
            TestRow row = rows.Count > 0 && rng.Next(8) == 0
                ? RandomRows.Next(rng, maxKeyLength, maxValueLength) with { Key = rows[rng.Next(rows.Count)].Key }
                : RandomRows.Next(rng, maxKeyLength, maxValueLength);
            if (seen.Add((Convert.ToHexString(row.Key), row.Seq)))
            {
                rows.Add(row);
            }
        }

        rows.Sort(TestRow.CompareKeyAscSeqDesc);
        return rows;
    }
}
