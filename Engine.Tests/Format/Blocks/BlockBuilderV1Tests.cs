using SlateFast.Fuzz.Seeds;
using SlateFast.Format;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Format;

public sealed class BlockBuilderV1Tests
{
    [Fact]
    public void V1_block_has_one_offset_per_row_and_prefixes_shared_with_the_first_key()
    {
        using var builder = new BlockBuilderV1(4096);
        builder.TryAdd(RowEntry.Put("abc"u8, "1"u8, 3));
        builder.TryAdd(RowEntry.Delete("abd"u8, 2));
        builder.TryAdd(RowEntry.Put("b"u8, ""u8, 1));

        string expected =
            "0000" + "0003" + "616263" + "0000000000000003" + "00" + "00000001" + "31" // offset 0, 21 bytes
            + "0002" + "0001" + "64" + "0000000000000002" + "01"                         // offset 21, 14 bytes
            + "0000" + "0001" + "62" + "0000000000000001" + "00" + "00000000"           // offset 35
            + "0000" + "0015" + "0023" + "0003";
        Assert.Equal(expected, Convert.ToHexString(builder.Finish()));
    }

    [SeededProperty(MaxTest = 120)]
    public void V1_block_boundaries_follow_the_spec_fit_rule_exactly(CaseSeed seed)
    {
        var rng = seed.NewRandom();
        int blockSize = rng.Next(1024, 65537);
        List<TestRow> rows = RandomRows.Sorted(rng, rng.Next(1, 600), maxKeyLength: 100, maxValueLength: rng.Next(10) == 0 ? 70000 : 400);

        var actual = Blocks.Build(rows, BlockFormat.V1, blockSize).Select(b => b.Rows.Count).ToList();
        Assert.Equal(ExpectedV1Boundaries(rows, blockSize), actual);
    }

    /// <summary>Spec §5.3 V1 rule restated: a row joins a non-empty block iff 2 + 2*offsets + data_len + row_len &lt;= block_size.</summary>
    private static List<int> ExpectedV1Boundaries(IReadOnlyList<TestRow> rows, int blockSize)
    {
        var counts = new List<int>();
        int count = 0, dataLength = 0;
        byte[] firstKey = [];
        foreach (TestRow row in rows)
        {
            int rowLength = Length(row, row.Key.AsSpan().CommonPrefixLength(firstKey));
            if (count > 0 && 2 + (2 * count) + dataLength + rowLength > blockSize)
            {
                counts.Add(count);
                count = 0;
                dataLength = 0;
                rowLength = Length(row, 0);
            }

            if (count == 0)
            {
                firstKey = row.Key;
            }

            dataLength += rowLength;
            count++;
        }

        counts.Add(count);
        return counts;

        static int Length(TestRow row, int prefix) =>
            4 + row.Key.Length - prefix + 9 + (row.ExpireTs.HasValue ? 8 : 0) + (row.CreateTs.HasValue ? 8 : 0)
            + (row.Kind == RowKind.Tombstone ? 0 : 4 + row.Value.Length);
    }
}
