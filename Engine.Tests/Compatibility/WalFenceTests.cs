using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Compatibility;

/// <summary>
/// WAL fences: SlateDB 0.14+ fences a takeover with a zero-byte <c>wal/&lt;id&gt;.sst</c>; SlateDB
/// 0.12/0.13 and SlateFast's 0.12 level with an SST without rows. Both read as WAL objects without
/// rows, and the collector keeps both (SlateDB #1622: a deleted fence lets the fenced writer
/// re-create that id and have a write acknowledged that nobody replays).
/// </summary>
public sealed class WalFenceTests
{
    private readonly ManualClock _clock = new(Start);
    private readonly InMemoryObjectStore _store;

    public WalFenceTests() => _store = new InMemoryObjectStore(_clock);

    private DbOptions Options => new() { TimeProvider = _clock, GarbageCollector = null, Compactor = new() { Enabled = false } };

    private async Task<ulong> NextWalIdAsync() =>
        (await ListAsync(_store, "db/wal/")).Select(p => DbPaths.TryParseWalSstName(p, out var id) ? id : 0).Max() + 1;

    [Fact]
    public async Task A_database_whose_newest_WAL_object_is_a_zero_byte_fence_opens_as_writer_and_reader_with_every_row()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            await db.PutAsync(B("a"), B("1"));
            await db.PutAsync(B("b"), B("2"));
        }

        // What SlateDB 0.14 writes when it takes over: a zero-byte fence at the next WAL id.
        await _store.PutAsync(DbPaths.WalSstPath("db", await NextWalIdAsync()), ReadOnlyMemory<byte>.Empty);

        await using (var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { TimeProvider = _clock }))
        {
            Assert.Equal(["a=1", "b=2"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        }

        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            Assert.Equal(["a=1", "b=2"], await ScanAsync(db.ScanAsync(KeyRange.All)));
            await db.PutAsync(B("c"), B("3"));
        }

        await using var again = await DbHandle.OpenAsync("db", _store, Options);
        Assert.Equal(["a=1", "b=2", "c=3"], await ScanAsync(again.ScanAsync(KeyRange.All)));
    }

    [Fact]
    public async Task The_collector_keeps_fences_of_both_kinds_and_deletes_other_old_WAL_objects()
    {
        for (int round = 0; round < 3; round++)
        {
            await using (var db = await DbHandle.OpenAsync("db", _store, Options))
            {
                await db.PutAsync(B($"k{round}"), B("v"));
            }

            if (round == 1)
            {
                await _store.PutAsync(DbPaths.WalSstPath("db", await NextWalIdAsync()), ReadOnlyMemory<byte>.Empty);
            }
        }

        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            await db.FlushAsync(FlushType.MemTable);
        }

        var before = await _store.ListAllAsync("db/wal/");
        var fences = new List<string>();
        foreach (var meta in before)
        {
            if (await SlateFast.Wal.WalObjects.IsFenceAsync(_store, meta, null, default))
            {
                fences.Add(meta.Path);
            }
        }

        Assert.Contains(before, m => m.Size == 0);
        Assert.True(fences.Count >= 5, $"{fences.Count} fences among {before.Count} WAL objects");
        Assert.True(fences.Count < before.Count);

        _clock.Advance(TimeSpan.FromHours(1));
        var result = await new DbAdmin("db", _store, _clock).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.FromMinutes(1)));
        Assert.NotEmpty(result.WalSsts);
        Assert.Empty(result.WalSsts.Intersect(fences));
        var after = (await _store.ListAllAsync("db/wal/")).Select(m => m.Path).ToList();
        Assert.Empty(fences.Except(after));

        await using var reopened = await DbHandle.OpenAsync("db", _store, Options);
        Assert.Equal(["k0=v", "k1=v", "k2=v"], await ScanAsync(reopened.ScanAsync(KeyRange.All)));
    }

    [Fact]
    public async Task A_small_WAL_object_the_collector_cannot_read_is_kept_as_a_possible_fence()
    {
        var meta = await _store.PutAsync(DbPaths.WalSstPath("db", 7), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 });
        Assert.True(await SlateFast.Wal.WalObjects.IsFenceAsync(_store, meta, null, default));
        var big = await _store.PutAsync(DbPaths.WalSstPath("db", 8), new byte[4096]);
        Assert.False(await SlateFast.Wal.WalObjects.IsFenceAsync(_store, big, null, default));
    }

    [Fact]
    public async Task A_new_database_fences_with_an_SST_every_SlateDB_reads_and_a_0_14_database_with_a_zero_byte_object()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            Assert.Equal(FormatLevel.SlateDb012, db.FormatLevel);
            await db.PutAsync(B("a"), B("1"));
        }

        Assert.DoesNotContain(await _store.ListAllAsync("db/wal/"), m => m.Size == 0);

        // A zero-byte fence shows SlateDB 0.14 wrote here: the next writer fences the same way.
        await _store.PutAsync(DbPaths.WalSstPath("db", await NextWalIdAsync()), ReadOnlyMemory<byte>.Empty);
        var fenceId = await NextWalIdAsync();
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            Assert.Equal(FormatLevel.SlateDb014, db.FormatLevel);
        }

        Assert.Equal(0, (await _store.HeadAsync(DbPaths.WalSstPath("db", fenceId)))!.Value.Size);
    }

    [Fact]
    public async Task The_format_level_option_overrides_what_the_store_shows()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options with { FormatLevel = FormatLevel.SlateDb014 }))
        {
            Assert.Equal(FormatLevel.SlateDb014, db.FormatLevel);
        }

        Assert.Contains(await _store.ListAllAsync("db/wal/"), m => m.Size == 0);
        var e = Assert.Throws<SlateFastException>(() => DbHandle.OpenAsync("db", _store, Options with { FormatLevel = (FormatLevel)99 }).GetAwaiter().GetResult());
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }
}
