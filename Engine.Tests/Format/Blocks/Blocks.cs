using SlateFast.Fuzz.Seeds;
using SlateFast.Format;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Format;

/// <summary>Splits rows into finished blocks the way an SST writer does, and reads blocks back.</summary>
internal static class Blocks
{
    public static List<(byte[] Payload, List<TestRow> Rows)> Build(IReadOnlyList<TestRow> rows, BlockFormat format, int blockSize)
    {
        var blocks = new List<(byte[], List<TestRow>)>();
        var current = new List<TestRow>();
        using var v2 = new BlockBuilderV2(blockSize);
        using var v1 = new BlockBuilderV1(blockSize);
        foreach (TestRow row in rows)
        {
            if (!TryAdd(row))
            {
                blocks.Add((Finish(), current));
                current = [];
                Reset();
                Assert.True(TryAdd(row), "an empty block takes any row");
            }

            current.Add(row);
        }

        if (current.Count > 0)
        {
            blocks.Add((Finish(), current));
        }

        return blocks;

        bool TryAdd(TestRow r) => format == BlockFormat.V2 ? v2.TryAdd(r.ToEntry()) : v1.TryAdd(r.ToEntry());
        byte[] Finish() => format == BlockFormat.V2 ? v2.Finish().ToArray() : v1.Finish().ToArray();
        void Reset()
        {
            v2.Reset();
            v1.Reset();
        }
    }

    public static List<TestRow> ReadAll(byte[] payload, BlockFormat format)
    {
        var it = new BlockIterator();
        it.Reset(payload, format);
        var rows = new List<TestRow>();
        for (bool ok = it.SeekToFirst(); ok; ok = it.MoveNext())
        {
            rows.Add(TestRow.From(it.Current));
        }

        return rows;
    }

    public static void AssertSameRows(IReadOnlyList<TestRow> expected, IReadOnlyList<TestRow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SameAs(actual[i]), $"row {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
