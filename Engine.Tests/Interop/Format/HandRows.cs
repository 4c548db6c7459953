using System.Text;

namespace SlateFast.Tests.Interop.Format;

/// <summary>Seeded row sets for hand-written databases: text and binary keys, empty and large values, deletes.</summary>
internal static class HandRows
{
    private static readonly Comparison<byte[]> ByBytes = (a, b) => a.AsSpan().SequenceCompareTo(b);

    /// <summary>
    /// <paramref name="count"/> distinct keys in ascending byte order: mostly text keys sharing
    /// prefixes, a fifth binary with 0x00/0xFF at start, middle or end; every sixth row a delete.
    /// </summary>
    public static IReadOnlyList<HandRow> Make(Random random, int count, Func<int, ulong> seqOf, Func<int, long?>? createTsOf = null)
    {
        var keys = new SortedSet<byte[]>(Comparer<byte[]>.Create(ByBytes));
        while (keys.Count < count)
        {
            keys.Add(random.Next(5) == 0 ? BinaryKey(random) : Encoding.UTF8.GetBytes($"user/{random.Next(100):D2}/{random.Next(1_000_000):D6}"));
        }

        return [.. keys.Select((key, i) => new HandRow(
            key,
            i % 6 == 3 ? null : Value(random),
            seqOf(i),
            createTsOf?.Invoke(i)))];
    }

    /// <summary>Keys not in <paramref name="rows"/>: before, between and after them.</summary>
    public static IReadOnlyList<byte[]> AbsentKeys(IReadOnlyList<HandRow> rows, Random random, int n)
    {
        var taken = rows.Select(r => Convert.ToHexString(r.Key)).ToHashSet(StringComparer.Ordinal);
        byte[][] edges = [[0x00, 0x00, 0x00], [0x00], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0xFF]];
        var result = edges.Where(k => !taken.Contains(Convert.ToHexString(k))).Take(2).ToList();
        while (result.Count < n)
        {
            var key = Encoding.UTF8.GetBytes($"user/{random.Next(100):D2}/absent{random.Next(1000)}");
            if (!taken.Contains(Convert.ToHexString(key)))
            {
                result.Add(key);
            }
        }

        return result;
    }

    private static byte[] BinaryKey(Random random)
    {
        var key = new byte[random.Next(1, 24)];
        random.NextBytes(key);
        switch (random.Next(4))
        {
            case 0: key[0] = 0x00; break;
            case 1: key[key.Length / 2] = 0xFF; break;
            case 2: key[^1] = 0x00; break;
            default: key[0] = 0xFF; break;
        }

        return key;
    }

    private static byte[] Value(Random random)
    {
        var value = new byte[random.Next(8) == 0 ? 0 : random.Next(1, 300)];
        random.NextBytes(value);
        return value;
    }
}
