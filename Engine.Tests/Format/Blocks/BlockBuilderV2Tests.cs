using System.Buffers.Binary;
using SlateFast.Format;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Format;

public sealed class BlockBuilderV2Tests
{
    [Fact]
    public void Single_put_block_matches_the_spec_worked_example()
    {
        using var builder = new BlockBuilderV2(4096);
        Assert.True(builder.TryAdd(RowEntry.Put("apple"u8, "red"u8, 1, createTs: 1795229482189)));

        Assert.Equal(
            "0005036170706C65726564" + "000000000000000104" + "000001A1FC03FCCD" + "0000" + "0001",
            Convert.ToHexString(builder.Finish()));
    }

    [Fact]
    public void Restart_points_every_16_rows_hold_full_keys_and_are_listed_in_the_trailer()
    {
        using var builder = new BlockBuilderV2(65536);
        for (int i = 0; i < 40; i++)
        {
            Assert.True(builder.TryAdd(RowEntry.Put(System.Text.Encoding.ASCII.GetBytes($"key-{i:D4}"), "v"u8, 1)));
        }

        byte[] block = builder.Finish().ToArray();
        int n = BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan(^2));
        Assert.Equal(3, n);
        int dataEnd = block.Length - 2 - (2 * n);
        for (int r = 0; r < n; r++)
        {
            int offset = BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan(dataEnd + (2 * r)));
            RowParts row = RowCodecV2.Decode(block.AsSpan(offset, dataEnd - offset));
            Assert.Equal(0, row.Shared);
            Assert.Equal($"key-{r * 16:D4}", System.Text.Encoding.ASCII.GetString(row.KeySuffix));
        }
    }

    [SeededProperty(MaxTest = 120)]
    public void Block_boundaries_follow_the_spec_fit_rule_exactly(CaseSeed seed)
    {
        var rng = seed.NewRandom();
        int blockSize = rng.Next(1024, 65537);
        List<TestRow> rows = RandomRows.Sorted(rng, rng.Next(1, 600), maxKeyLength: 100, maxValueLength: rng.Next(10) == 0 ? 70000 : 400);

        var actual = Blocks.Build(rows, BlockFormat.V2, blockSize).Select(b => b.Rows.Count).ToList();
        Assert.Equal(ExpectedV2Boundaries(rows, blockSize), actual);
    }

    [Fact]
    public void Single_oversized_row_makes_an_oversized_block_and_the_next_row_starts_a_new_one()
    {
        using var builder = new BlockBuilderV2(1024);
        byte[] big = new byte[100_000];
        Assert.True(builder.TryAdd(RowEntry.Put("a"u8, big, 2)));
        Assert.False(builder.TryAdd(RowEntry.Put("b"u8, "x"u8, 1)));

        byte[] block = builder.Finish().ToArray();
        Assert.True(block.Length > 100_000);
        Assert.Equal("00000001", Convert.ToHexString(block.AsSpan(^4)));
        Assert.Equal(big.Length, Blocks.ReadAll(block, BlockFormat.V2).Single().Value.Length);
    }

    [Fact]
    public void Reset_reuses_the_builder_and_reproduces_identical_bytes()
    {
        using var builder = new BlockBuilderV2(4096);
        builder.TryAdd(RowEntry.Put("k1"u8, "v1"u8, 9, createTs: -5));
        builder.TryAdd(RowEntry.Delete("k2"u8, 8));
        byte[] first = builder.Finish().ToArray();
        Assert.Equal("k1"u8.ToArray(), builder.FirstKey.ToArray());
        Assert.Equal("k2"u8.ToArray(), builder.LastKey.ToArray());
        Assert.Equal(first.Length, builder.EstimatedSize);

        builder.Reset();
        Assert.True(builder.IsEmpty);
        builder.TryAdd(RowEntry.Put("k1"u8, "v1"u8, 9, createTs: -5));
        builder.TryAdd(RowEntry.Delete("k2"u8, 8));
        Assert.Equal(first, builder.Finish().ToArray());
    }

    [Fact]
    public void Misuse_of_the_builder_is_invalid()
    {
        AssertInvalid(() => new BlockBuilderV2(0));
        AssertInvalid(() => new BlockBuilderV2(65537));
        using var builder = new BlockBuilderV2(4096);
        AssertInvalid(() => builder.Finish());
        AssertInvalid(() => builder.TryAdd(RowEntry.Put(default, "v"u8, 1)));
        AssertInvalid(() => builder.TryAdd(RowEntry.Put(new byte[65536], "v"u8, 1)));
        Assert.True(builder.TryAdd(RowEntry.Put(new byte[65535], "v"u8, 1)));
        builder.Finish();
        AssertInvalid(() => builder.TryAdd(RowEntry.Put("k"u8, "v"u8, 1)));
    }

    /// <summary>
    /// Spec §5.3 restated independently of the builder: a row joins a non-empty block iff
    /// data_len + 2*restarts + 2 + row_len (+2 if it starts a restart) &lt;= block_size.
    /// </summary>
    internal static List<int> ExpectedV2Boundaries(IReadOnlyList<TestRow> rows, int blockSize)
    {
        var counts = new List<int>();
        int count = 0, dataLength = 0, restarts = 0;
        byte[] previousKey = [];
        foreach (TestRow row in rows)
        {
            bool restart = count % 16 == 0;
            int shared = restart ? 0 : row.Key.AsSpan().CommonPrefixLength(previousKey);
            int rowLength = EncodedV2Length(row, shared);
            if (count > 0 && dataLength + (2 * restarts) + 2 + rowLength + (restart ? 2 : 0) > blockSize)
            {
                counts.Add(count);
                count = 0;
                dataLength = 0;
                restarts = 0;
                restart = true;
                rowLength = EncodedV2Length(row, 0);
            }

            if (restart)
            {
                restarts++;
            }

            dataLength += rowLength;
            count++;
            previousKey = row.Key;
        }

        if (count > 0)
        {
            counts.Add(count);
        }

        return counts;
    }

    private static int EncodedV2Length(TestRow row, int shared)
    {
        static int V(int x) => x < 1 << 7 ? 1 : x < 1 << 14 ? 2 : x < 1 << 21 ? 3 : x < 1 << 28 ? 4 : 5;
        return V(shared) + V(row.Key.Length - shared) + V(row.Value.Length) + row.Key.Length - shared + row.Value.Length
            + 9 + (row.ExpireTs.HasValue ? 8 : 0) + (row.CreateTs.HasValue ? 8 : 0);
    }

    private static void AssertInvalid(Action action) =>
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(action).Kind);
}
