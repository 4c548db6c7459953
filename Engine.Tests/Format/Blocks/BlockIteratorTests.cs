using SlateFast.Format;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Format;

public sealed class BlockIteratorTests
{
    [SeededProperty(MaxTest = 60)]
    public void Blocks_of_random_sorted_rows_decode_to_the_same_rows_V1(CaseSeed seed) => Blocks_of_random_sorted_rows_decode_to_the_same_rows(BlockFormat.V1, seed);

    [SeededProperty(MaxTest = 60)]
    public void Blocks_of_random_sorted_rows_decode_to_the_same_rows_V2(CaseSeed seed) => Blocks_of_random_sorted_rows_decode_to_the_same_rows(BlockFormat.V2, seed);

    private static void Blocks_of_random_sorted_rows_decode_to_the_same_rows(BlockFormat format, CaseSeed seed)
    {
        var rng = seed.NewRandom();
        int blockSize = rng.Next(1024, 65537);
        List<TestRow> rows = RandomRows.Sorted(rng, rng.Next(1, 800), maxKeyLength: rng.Next(15) == 0 ? ushort.MaxValue : 60);
        var blocks = Blocks.Build(rows, format, blockSize);

        Blocks.AssertSameRows(rows, blocks.SelectMany(b => Blocks.ReadAll(b.Payload, format)).ToList());
    }

    [SeededProperty(MaxTest = 60)]
    public void Blocks_of_unsorted_wal_rows_iterate_in_write_order_V1(CaseSeed seed) => Blocks_of_unsorted_wal_rows_iterate_in_write_order(BlockFormat.V1, seed);

    [SeededProperty(MaxTest = 60)]
    public void Blocks_of_unsorted_wal_rows_iterate_in_write_order_V2(CaseSeed seed) => Blocks_of_unsorted_wal_rows_iterate_in_write_order(BlockFormat.V2, seed);

    private static void Blocks_of_unsorted_wal_rows_iterate_in_write_order(BlockFormat format, CaseSeed seed)
    {
        var rng = seed.NewRandom();
        List<TestRow> rows = Enumerable.Range(0, rng.Next(1, 400)).Select(_ => RandomRows.Next(rng)).ToList();
        var blocks = Blocks.Build(rows, format, rng.Next(1024, 8193));

        Blocks.AssertSameRows(rows, blocks.SelectMany(b => Blocks.ReadAll(b.Payload, format)).ToList());
    }

    [SeededProperty(MaxTest = 60)]
    public void Seek_finds_the_first_row_at_or_after_every_present_and_absent_key_V1(CaseSeed seed) => Seek_finds_the_first_row_at_or_after_every_present_and_absent_key(BlockFormat.V1, seed);

    [SeededProperty(MaxTest = 60)]
    public void Seek_finds_the_first_row_at_or_after_every_present_and_absent_key_V2(CaseSeed seed) => Seek_finds_the_first_row_at_or_after_every_present_and_absent_key(BlockFormat.V2, seed);

    private static void Seek_finds_the_first_row_at_or_after_every_present_and_absent_key(BlockFormat format, CaseSeed seed)
    {
        var rng = seed.NewRandom();
        List<TestRow> rows = RandomRows.Sorted(rng, rng.Next(1, 500), maxKeyLength: 12);
        var it = new BlockIterator();
        foreach (var (payload, blockRows) in Blocks.Build(rows, format, rng.Next(1024, 16385)))
        {
            it.Reset(payload, format);
            var probes = blockRows.Select(r => r.Key).ToList();
            probes.AddRange(blockRows.Select(r => r.Key.Append((byte)0).ToArray()));          // just after a key
            probes.AddRange(blockRows.Select(r => r.Key[..^1]));                              // prefixes, often before
            probes.AddRange(Enumerable.Range(0, 20).Select(_ => RandomRows.Bytes(rng, rng.Next(0, 6))));
            probes.Add([]);
            probes.Add([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
            foreach (byte[] probe in probes)
            {
                int expected = blockRows.FindIndex(r => r.Key.AsSpan().SequenceCompareTo(probe) >= 0);
                bool found = it.Seek(probe);
                Assert.Equal(expected >= 0, found);
                Assert.Equal(found, it.IsValid);
                if (found)
                {
                    Assert.True(blockRows[expected].SameAs(TestRow.From(it.Current)), $"seek {Convert.ToHexString(probe)}");
                    if (probe.Length % 3 == 0)
                    {
                        // From where a seek stops, the rest of the block follows in order.
                        var rest = 1;
                        while (it.MoveNext())
                        {
                            Assert.True(blockRows[expected + rest++].SameAs(TestRow.From(it.Current)), $"after seek {Convert.ToHexString(probe)}");
                        }

                        Assert.Equal(blockRows.Count, expected + rest);
                    }
                }
            }
        }
    }

    [SeededProperty(MaxTest = 60)]
    public void Reverse_iteration_yields_the_rows_backwards_and_turns_around_cleanly_V1(CaseSeed seed) => Reverse_iteration_yields_the_rows_backwards_and_turns_around_cleanly(BlockFormat.V1, seed);

    [SeededProperty(MaxTest = 60)]
    public void Reverse_iteration_yields_the_rows_backwards_and_turns_around_cleanly_V2(CaseSeed seed) => Reverse_iteration_yields_the_rows_backwards_and_turns_around_cleanly(BlockFormat.V2, seed);

    private static void Reverse_iteration_yields_the_rows_backwards_and_turns_around_cleanly(BlockFormat format, CaseSeed seed)
    {
        var rng = seed.NewRandom();
        List<TestRow> rows = RandomRows.Sorted(rng, rng.Next(1, 300), maxKeyLength: 20);
        var it = new BlockIterator();
        foreach (var (payload, blockRows) in Blocks.Build(rows, format, rng.Next(1024, 8193)))
        {
            it.Reset(payload, format);
            var backwards = new List<TestRow>();
            for (bool ok = it.SeekToLast(); ok; ok = it.MovePrev())
            {
                backwards.Add(TestRow.From(it.Current));
            }

            backwards.Reverse();
            Blocks.AssertSameRows(blockRows, backwards);
            Assert.False(it.IsValid);

            // A random walk of Next/Prev stays in step with a plain index.
            int index = rng.Next(blockRows.Count);
            Assert.True(it.Seek(blockRows[index].Key));
            index = blockRows.FindIndex(r => r.Key.AsSpan().SequenceEqual(blockRows[index].Key));
            for (int step = 0; step < 50 && it.IsValid; step++)
            {
                Assert.True(blockRows[index].SameAs(TestRow.From(it.Current)));
                if (rng.Next(2) == 0)
                {
                    index++;
                    Assert.Equal(index < blockRows.Count, it.MoveNext());
                }
                else
                {
                    index--;
                    Assert.Equal(index >= 0, it.MovePrev());
                }
            }
        }
    }

    [Fact]
    public void Empty_block_of_only_a_zero_count_has_no_rows()
    {
        var it = new BlockIterator();
        it.Reset(new byte[2], BlockFormat.V2);
        Assert.False(it.SeekToFirst());
        Assert.False(it.SeekToLast());
        Assert.False(it.Seek("a"u8));
        Assert.False(it.MoveNext());
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => { _ = it.Current; }).Kind);
    }

    [Fact]
    public void Values_are_slices_of_the_block_and_keys_need_no_allocation_per_row()
    {
        using var builder = new BlockBuilderV2(4096);
        for (int i = 0; i < 30; i++)
        {
            builder.TryAdd(RowEntry.Put(System.Text.Encoding.ASCII.GetBytes($"user:{i:D5}"), new byte[100], (ulong)i));
        }

        byte[] block = builder.Finish().ToArray();
        var it = new BlockIterator();
        it.Reset(block, BlockFormat.V2);
        it.SeekToFirst();
        it.Seek("user:00017"u8);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int rows = 0;
        it.Reset(block, BlockFormat.V2);
        for (bool ok = it.SeekToFirst(); ok; ok = it.MoveNext())
        {
            rows++;
        }

        it.Seek("user:00017"u8);
        it.MovePrev();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(30, rows);
        Assert.Equal("user:00016"u8.ToArray(), it.Key.ToArray());
    }
}
