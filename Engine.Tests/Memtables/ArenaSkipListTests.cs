using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SlateFast.Memory;
using SlateFast.Memtables;
using Xunit.Abstractions;

namespace SlateFast.Tests.Memtables;

public sealed class ArenaSkipListTests(ITestOutputHelper output)
{
    private static readonly Comparison<(byte[] Key, ulong Seq)> s_internalOrder = (a, b) =>
    {
        var c = a.Key.AsSpan().SequenceCompareTo(b.Key);
        return c != 0 ? c : b.Seq.CompareTo(a.Seq);
    };

    private static byte[] ValueFor(byte[] key, ulong seq) => [.. key, .. BitConverter.GetBytes(seq)];

    private static List<(byte[] Key, ulong Seq)> Walk(ArenaSkipList list)
    {
        var rows = new List<(byte[], ulong)>();
        for (var n = list.First(); n != 0; n = list.Next(n))
        {
            rows.Add((list.KeyOf(n).ToArray(), list.SeqOf(n)));
        }

        return rows;
    }

    [Fact]
    public void Rows_iterate_by_key_ascending_then_sequence_descending()
    {
        using var arena = new NativeArena(1 << 20);
        var list = new ArenaSkipList(arena);
        list.Insert("b"u8, 1, 0x04, "b1"u8, 10, 0);
        list.Insert("a"u8, 2, 0x04, "a2"u8, 11, 0);
        list.Insert("b"u8, 3, 0x05, ""u8, 12, 0);
        list.Insert("a"u8, 5, 0x06, "a5"u8, 13, 99);

        var rows = Walk(list).Select(r => $"{Encoding.ASCII.GetString(r.Key)}@{r.Seq}");
        Assert.Equal(["a@5", "a@2", "b@3", "b@1"], rows);
        var a5 = list.First();
        Assert.Equal("a5"u8.ToArray(), list.ValueOf(a5).ToArray());
        Assert.Equal(0x06, list.FlagsOf(a5));
        Assert.Equal(13, list.CreateTsOf(a5));
        Assert.Equal(99, list.ExpireTsOf(a5));
        Assert.Equal(4, list.Count);
    }

    [Fact]
    public void Inserting_the_same_key_and_sequence_twice_is_a_duplicate_and_changes_nothing()
    {
        using var arena = new NativeArena(1 << 16);
        var list = new ArenaSkipList(arena);
        Assert.Equal(InsertResult.Inserted, list.Insert("k"u8, 7, 0x04, "v1"u8, 0, 0));
        Assert.Equal(InsertResult.Duplicate, list.Insert("k"u8, 7, 0x04, "v2"u8, 0, 0));

        Assert.Equal(1, list.Count);
        Assert.Equal("v1"u8.ToArray(), list.ValueOf(list.First()).ToArray());
    }

    [Fact]
    public void A_full_arena_refuses_the_row_and_keeps_everything_before_it()
    {
        using var arena = new NativeArena(4096);
        var list = new ArenaSkipList(arena);
        var inserted = 0;
        while (list.Insert(BitConverter.GetBytes(inserted), 1, 0x04, new byte[100], 0, 0) == InsertResult.Inserted)
        {
            inserted++;
        }

        Assert.InRange(inserted, 10, 40);
        Assert.Equal(inserted, Walk(list).Count);
        Assert.Equal(InsertResult.ArenaFull, list.Insert("tiny"u8, 9, 0x04, new byte[5000], 0, 0));
    }

    [Fact]
    public void Empty_values_keys_of_65535_bytes_and_binary_keys_are_stored_exactly()
    {
        using var arena = new NativeArena(1 << 20);
        var list = new ArenaSkipList(arena);
        var longKey = Enumerable.Repeat((byte)0xFF, 65_535).ToArray();
        list.Insert(longKey, 1, 0x04, ReadOnlySpan<byte>.Empty, 0, 0);
        list.Insert([0x00], 2, 0x04, [0xFF], 0, 0);
        list.Insert([0x00, 0x00], 3, 0x01, ReadOnlySpan<byte>.Empty, 0, 0);

        var rows = Walk(list);
        Assert.Equal([0x00], rows[0].Key);
        Assert.Equal([0x00, 0x00], rows[1].Key);
        Assert.Equal(longKey, rows[2].Key);
        Assert.True(list.ValueOf(list.Last()).IsEmpty);
    }

    [SeededProperty(MaxTest = 200)]
    public Property Seeks_and_lookups_agree_with_a_sorted_model()
    {
        // Keys from a small alphabet so versions of one key pile up.
        var gen =
            from rows in Gen.ListOf(Gen.Zip(Gen.Choose(0, 30), Gen.Choose(1, 200)))
            from probes in Gen.ListOf(Gen.Zip(Gen.Choose(0, 31), Gen.Choose(0, 201)))
            select (rows, probes);
        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (rows, probes) = input;
            using var arena = new NativeArena(1 << 20);
            var list = new ArenaSkipList(arena);
            var model = new List<(byte[] Key, ulong Seq)>();
            foreach (var (k, s) in rows.Distinct())
            {
                var key = Encoding.ASCII.GetBytes($"k{k:d2}");
                Assert.Equal(InsertResult.Inserted, list.Insert(key, (ulong)s, 0x04, ValueFor(key, (ulong)s), 0, 0));
                model.Add((key, (ulong)s));
            }

            model.Sort(s_internalOrder);
            Assert.Equal(model.Select(m => (Convert.ToHexString(m.Key), m.Seq)), Walk(list).Select(m => (Convert.ToHexString(m.Key), m.Seq)));

            foreach (var (k, s) in probes)
            {
                var key = Encoding.ASCII.GetBytes($"k{k:d2}");
                var target = (key, (ulong)s);
                var ge = model.FindIndex(m => s_internalOrder(m, target) >= 0);
                var node = list.SeekGE(key, (ulong)s);
                if (ge < 0)
                {
                    Assert.Equal(0u, node);
                }
                else
                {
                    Assert.Equal(model[ge].Key, list.KeyOf(node).ToArray());
                    Assert.Equal(model[ge].Seq, list.SeqOf(node));
                }

                var lt = model.FindLastIndex(m => s_internalOrder(m, target) < 0);
                var before = list.SeekLT(key, (ulong)s);
                Assert.Equal(lt < 0 ? 0UL : model[lt].Seq, before == 0 ? 0UL : list.SeqOf(before));

                var latest = model.FindIndex(m => m.Key.AsSpan().SequenceEqual(key) && m.Seq <= (ulong)s);
                var found = list.FindLatest(key, (ulong)s);
                Assert.Equal(latest < 0 ? 0UL : model[latest].Seq, found == 0 ? 0UL : list.SeqOf(found));
                if (found != 0)
                {
                    Assert.Equal(ValueFor(key, list.SeqOf(found)), list.ValueOf(found).ToArray());
                }
            }

            // Backward iteration visits the same rows in reverse.
            var backward = new List<ulong>();
            for (var n = list.Last(); n != 0; n = list.Prev(n))
            {
                backward.Add(list.SeqOf(n));
            }

            Assert.Equal(model.Select(m => m.Seq).Reverse(), backward);
        });
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_see_only_complete_rows_in_order()
    {
        var seed = Format.TestSeed.Next(output); // replays the writers' keys; thread timing still varies
        using var arena = new NativeArena(64 << 20);
        var list = new ArenaSkipList(arena);
        const int writers = 4;
        const int perWriter = 20_000;
        using var done = new CancellationTokenSource();

        var writerTasks = Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            var random = new Random(seed + w);
            for (var i = 0; i < perWriter; i++)
            {
                // Interleaved keys so writers contend for the same neighbourhoods.
                var key = Encoding.ASCII.GetBytes($"key{random.Next(5000):d5}");
                var seq = (ulong)((i * writers) + w + 1);
                Assert.Equal(InsertResult.Inserted, list.Insert(key, seq, 0x04, ValueFor(key, seq), (long)seq, 0));
            }
        })).ToArray();

        var readerTasks = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var passes = 0;
            while (!done.IsCancellationRequested || passes == 0)
            {
                byte[]? prevKey = null;
                var prevSeq = 0UL;
                for (var n = list.First(); n != 0; n = list.Next(n))
                {
                    var key = list.KeyOf(n).ToArray();
                    var seq = list.SeqOf(n);
                    Assert.Equal(ValueFor(key, seq), list.ValueOf(n).ToArray());
                    Assert.Equal((long)seq, list.CreateTsOf(n));
                    if (prevKey is not null)
                    {
                        Assert.True(s_internalOrder((prevKey, prevSeq), (key, seq)) < 0, "rows out of order");
                    }

                    (prevKey, prevSeq) = (key, seq);
                }

                passes++;
            }

            return passes;
        })).ToArray();

        await Task.WhenAll(writerTasks);
        done.Cancel();
        var passes = await Task.WhenAll(readerTasks);
        output.WriteLine($"reader passes: {string.Join(", ", passes)}");

        Assert.Equal(writers * perWriter, list.Count);
        var all = Walk(list);
        Assert.Equal(writers * perWriter, all.Count);
        Assert.Equal(all.Select(r => r.Seq).Distinct().Count(), all.Count);
    }

    [Fact]
    public void Arenas_are_accounted_as_native_memory_until_disposed()
    {
        var before = NativeMemoryTracker.Bytes;
        var arena = new NativeArena(8 << 20);
        Assert.True(NativeMemoryTracker.Bytes - before >= 8 << 20 || NativeMemoryTracker.Bytes >= 8 << 20);
        arena.Dispose();
        arena.Dispose();
    }
}
