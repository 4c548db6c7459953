using System.Text;
using SlateFast.Flush;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Flush;

/// <summary>
/// A frozen memtable becomes an L0 SST with what SlateDB's flush does to its rows: the newest
/// version of each key, plus versions a live snapshot still reads; values expired at the flush
/// tick as tombstones; merge operands folded.
/// </summary>
public sealed class L0WriterTests
{
    private const long Tick = 1_000;

    [Fact]
    public async Task Each_key_keeps_its_newest_version_and_the_sst_records_its_first_and_last_key()
    {
        var memtable = Memtable((("b", 1), RowKind.Value, "b1"), (("a", 2), RowKind.Value, "a2"), (("b", 3), RowKind.Value, "b3"), (("c", 4), RowKind.Tombstone, ""));
        var (rows, sst) = await FlushAsync(memtable, new DbOptions());

        Assert.Equal(["a@2=a2", "b@3=b3", "c@4 tombstone"], rows);
        Assert.Equal("a", Encoding.ASCII.GetString(sst.Info.FirstEntry!.Value.Span));
        memtable.Release();
    }

    [Fact]
    public async Task A_version_a_live_snapshot_reads_is_kept_beside_the_newest()
    {
        var memtable = Memtable((("k", 1), RowKind.Value, "v1"), (("k", 5), RowKind.Value, "v5"), (("k", 9), RowKind.Value, "v9"));

        // A snapshot at 6 reads v5; none reads v1.
        var (rows, _) = await FlushAsync(memtable, new DbOptions(), snapshots: [6]);

        Assert.Equal(["k@9=v9", "k@5=v5"], rows);
        memtable.Release();
    }

    [Fact]
    public async Task A_value_expired_at_the_flush_tick_becomes_a_tombstone_and_a_live_one_keeps_its_expiry()
    {
        var memtable = new SlateFast.Memtables.Memtable(1 << 20);
        Insert(memtable, "dead", 1, RowKind.Value, "x", expireTs: Tick - 1);
        Insert(memtable, "live", 2, RowKind.Value, "y", expireTs: Tick + 1);

        var (rows, _) = await FlushAsync(memtable, new DbOptions());

        Assert.Equal(["dead@1 tombstone", $"live@2=y expires {Tick + 1}"], rows);
        memtable.Release();
    }

    [Fact]
    public async Task Merge_operands_are_folded_onto_their_base_with_the_merge_operator()
    {
        var memtable = Memtable((("k", 1), RowKind.Value, "base"), (("k", 2), RowKind.Merge, "+a"), (("k", 3), RowKind.Merge, "+b"));

        var (rows, _) = await FlushAsync(memtable, new DbOptions { MergeOperator = MergeOperators.Concat });

        Assert.Equal(["k@3=base+a+b"], rows);
        memtable.Release();
    }

    [Fact]
    public async Task A_memtable_larger_than_one_drain_streams_out_whole()
    {
        var memtable = new SlateFast.Memtables.Memtable(8L << 20);
        var value = new string('v', 1000);
        for (var i = 0; i < 2_000; i++)
        {
            Insert(memtable, $"key{i:d5}", (ulong)i + 1, RowKind.Value, value);
        }

        var (rows, sst) = await FlushAsync(memtable, new DbOptions());

        Assert.Equal(2_000, rows.Count);
        Assert.Equal($"key01999@2000={value}", rows[^1]);
        Assert.True(sst.Info.IndexOffset > 1_000_000, $"{sst.Info.IndexOffset} bytes of blocks");
        memtable.Release();
    }

    private static SlateFast.Memtables.Memtable Memtable(params ((string Key, ulong Seq) At, RowKind Kind, string Value)[] rows)
    {
        var memtable = new SlateFast.Memtables.Memtable(1 << 20);
        foreach (var ((key, seq), kind, value) in rows)
        {
            Insert(memtable, key, seq, kind, value);
        }

        return memtable;
    }

    private static void Insert(SlateFast.Memtables.Memtable memtable, string key, ulong seq, RowKind kind, string value, long? expireTs = null)
    {
        var flags = RowFlags.Encode(kind, expireTs.HasValue, hasCreateTs: true);
        Assert.Equal(SlateFast.Memtables.InsertResult.Inserted, memtable.Insert(Encoding.ASCII.GetBytes(key), seq, flags, Encoding.ASCII.GetBytes(value), Tick, expireTs ?? 0));
    }

    private static async Task<(List<string> Rows, CompactedSst Sst)> FlushAsync(SlateFast.Memtables.Memtable memtable, DbOptions options, ulong[]? snapshots = null)
    {
        var store = new InMemoryObjectStore();
        var id = Ulid.NewUlid(TimeProvider.System, new Random(7));
        var sst = await L0Writer.WriteAsync(store, "db", memtable, options, id, snapshots ?? [], CancellationToken.None);

        var file = await SstFile.OpenAsync(store, DbPaths.CompactedSstPath("db", id));
        var rows = new List<string>();
        var iterator = new BlockIterator();
        for (var block = 0; block < file.BlockCount; block++)
        {
            iterator.Reset(await file.ReadBlockAsync(block, CancellationToken.None), file.Format);
            for (var valid = iterator.SeekToFirst(); valid; valid = iterator.MoveNext())
            {
                var key = Encoding.ASCII.GetString(iterator.Key);
                rows.Add(iterator.Kind == RowKind.Tombstone
                    ? $"{key}@{iterator.Seq} tombstone"
                    : $"{key}@{iterator.Seq}={Encoding.ASCII.GetString(iterator.Value)}" + (iterator.ExpireTs is { } e ? $" expires {e}" : string.Empty));
            }
        }

        return (rows, sst);
    }
}
