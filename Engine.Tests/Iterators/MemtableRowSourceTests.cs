using SlateFast.Format;
using SlateFast.Iterators;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Iterators;

public sealed class MemtableRowSourceTests
{
    private static SlateFast.Memtables.Memtable Filled(params (string Key, ulong Seq)[] rows)
    {
        var memtable = new SlateFast.Memtables.Memtable(1 << 20);
        foreach (var (key, seq) in rows)
        {
            memtable.Insert(B(key), seq, RowFlags.Encode(RowKind.Value, false, true), B($"{key}{seq}"), 1, 0);
        }

        return memtable;
    }

    private static async Task<List<string>> Drain(IRowSource source, string? seek = null)
    {
        var rows = new List<string>();
        var more = seek is null ? await source.MoveNextAsync() : await source.SeekAsync(B(seek));
        for (; more; more = await source.MoveNextAsync())
        {
            rows.Add($"{System.Text.Encoding.ASCII.GetString(source.Key)}@{source.Seq}");
        }

        return rows;
    }

    [Fact]
    public async Task Descending_order_is_keys_descending_with_each_keys_versions_newest_first()
    {
        var memtable = Filled(("a", 1), ("b", 2), ("b", 5), ("b", 3), ("c", 4));
        await using (var source = MemtableRowSource.TryCreate(memtable, ScanDirection.Descending)!)
        {
            Assert.Equal(["c@4", "b@5", "b@3", "b@2", "a@1"], await Drain(source));
        }

        await using (var source = MemtableRowSource.TryCreate(memtable, ScanDirection.Ascending)!)
        {
            Assert.Equal(["a@1", "b@5", "b@3", "b@2", "c@4"], await Drain(source));
        }

        memtable.Release();
    }

    [Fact]
    public async Task Seeks_land_on_the_newest_version_of_the_nearest_key_in_the_direction_and_respect_the_range()
    {
        var memtable = Filled(("a", 1), ("b", 2), ("b", 5), ("d", 3), ("e", 4));
        var range = new KeyRange(KeyBound.Excluded(B("a")), KeyBound.Excluded(B("e")));
        await using (var source = MemtableRowSource.TryCreate(memtable, ScanDirection.Descending, range)!)
        {
            Assert.Equal(["b@5", "b@2"], await Drain(source, seek: "c"));
            Assert.Equal(["d@3", "b@5", "b@2"], await Drain(source, seek: "z"));
            Assert.Empty(await Drain(source, seek: "a"));
        }

        await using (var source = MemtableRowSource.TryCreate(memtable, ScanDirection.Ascending, range)!)
        {
            Assert.Equal(["d@3"], await Drain(source, seek: "c"));
            Assert.Equal(["b@5", "b@2", "d@3"], await Drain(source, seek: "0"));
            Assert.Empty(await Drain(source, seek: "e"));
        }

        memtable.Release();
    }

    [Fact]
    public async Task A_source_keeps_a_released_memtable_readable_until_disposed()
    {
        var memtable = Filled(("a", 1), ("b", 2));
        var source = MemtableRowSource.TryCreate(memtable, ScanDirection.Ascending)!;
        Assert.True(await source.MoveNextAsync());

        // The writer froze, flushed and dropped the memtable: the source's reference keeps the arena.
        memtable.Release();
        Assert.Equal(1, memtable.References);
        Assert.Equal("a", System.Text.Encoding.ASCII.GetString(source.Key));
        Assert.True(await source.MoveNextAsync());
        Assert.Equal(B("b2"), source.Value.ToArray());

        await source.DisposeAsync();
        Assert.Equal(0, memtable.References);
        Assert.Null(MemtableRowSource.TryCreate(memtable, ScanDirection.Ascending));
    }

    [Fact]
    public async Task A_scan_stays_ordered_and_complete_while_a_writer_keeps_inserting()
    {
        var memtable = new SlateFast.Memtables.Memtable(64 << 20);
        for (var i = 0; i < 2000; i += 2)
        {
            memtable.Insert(B($"k{i:d6}"), (ulong)i + 1, RowFlags.Encode(RowKind.Value, false, true), B("v"), 1, 0);
        }

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            var seq = 100_000UL;
            for (var round = 0; !stop.IsCancellationRequested && round < 50; round++)
            {
                for (var i = 1; i < 2000; i += 2)
                {
                    memtable.Insert(B($"k{i:d6}"), seq++, RowFlags.Encode(RowKind.Value, false, true), B("w"), 1, 0);
                }
            }
        });

        foreach (var direction in new[] { ScanDirection.Ascending, ScanDirection.Descending })
        {
            await using var source = MemtableRowSource.TryCreate(memtable, direction)!;
            var seen = new HashSet<string>();
            string? previous = null;
            ulong previousSeq = 0;
            while (await source.MoveNextAsync())
            {
                var key = System.Text.Encoding.ASCII.GetString(source.Key);
                if (previous is not null)
                {
                    var cmp = string.CompareOrdinal(previous, key);
                    Assert.True(direction == ScanDirection.Ascending ? cmp <= 0 : cmp >= 0, $"{previous} then {key}");
                    Assert.True(cmp != 0 || previousSeq > source.Seq, $"{key}: seq {previousSeq} then {source.Seq}");
                }

                previous = key;
                previousSeq = source.Seq;
                seen.Add(key);
            }

            // Every key present when the scan started is seen.
            for (var i = 0; i < 2000; i += 2)
            {
                Assert.Contains($"k{i:d6}", seen);
            }
        }

        await stop.CancelAsync();
        await writer;
        memtable.Release();
    }
}
