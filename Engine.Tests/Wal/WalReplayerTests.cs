using System.Text;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Wal;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Wal;

/// <summary>
/// The one WAL replayer the writer's recovery, read-only opens and DbReader share: which ids it
/// reads, which rows it keeps, where it stops, and how it cuts memtables.
/// </summary>
public sealed class WalReplayerTests
{
    [Fact]
    public async Task Replays_the_ids_after_the_start_up_to_the_last_and_keeps_only_rows_above_the_sequence_number()
    {
        var store = new InMemoryObjectStore();
        await WriteWalAsync(store, 1, ("a", 1), ("b", 2));
        await WriteWalAsync(store, 2, ("c", 3), ("d", 4));
        await WriteWalAsync(store, 3, ("e", 5));
        await WriteWalAsync(store, 4, ("f", 6));

        var result = await Replayer(store).ReplayAsync(afterWalId: 1, lastWalId: 3, minSeq: 3, MissingWal.Fail, CancellationToken.None);

        Assert.Equal(["d@4", "e@5"], Rows(result));
        Assert.Equal((3UL, 5UL, 2L), (result.LastWalId, result.MaxSeq, result.Rows));
        Assert.Same(result.NewestFirst[0], result.Open);
        Release(result);
    }

    [Fact]
    public async Task A_missing_id_ends_a_readers_replay_and_is_damage_for_a_writer()
    {
        var store = new InMemoryObjectStore();
        await WriteWalAsync(store, 1, ("a", 1));
        await WriteWalAsync(store, 3, ("c", 3));

        var reader = await Replayer(store).ReplayAsync(0, ulong.MaxValue, 0, MissingWal.Stop, CancellationToken.None);
        Assert.Equal(["a@1"], Rows(reader));
        Assert.Equal(1UL, reader.LastWalId);
        Release(reader);

        var e = await Assert.ThrowsAsync<SlateFastException>(() => Replayer(store).ReplayAsync(0, 3, 0, MissingWal.Fail, CancellationToken.None));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains("WAL object 2 is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fences_are_skipped_as_objects_without_rows()
    {
        var store = new InMemoryObjectStore();
        await WriteWalAsync(store, 1, ("a", 1));
        await store.PutAsync(DbPaths.WalSstPath("db", 2), ReadOnlyMemory<byte>.Empty);
        await WriteWalAsync(store, 3, ("c", 2));

        var result = await Replayer(store).ReplayAsync(0, 3, 0, MissingWal.Fail, CancellationToken.None);

        Assert.Equal(["a@1", "c@2"], Rows(result));
        Release(result);
    }

    [Fact]
    public async Task A_damaged_object_fails_a_strict_replay_and_ends_a_point_in_time_one_before_it()
    {
        var store = new InMemoryObjectStore();
        await WriteWalAsync(store, 1, ("a", 1));
        await store.PutAsync(DbPaths.WalSstPath("db", 2), Encoding.ASCII.GetBytes(new string('x', 200)));
        await WriteWalAsync(store, 3, ("c", 3));

        var e = await Assert.ThrowsAsync<CorruptWalObjectException>(() => Replayer(store).ReplayAsync(0, 3, 0, MissingWal.Fail, CancellationToken.None));
        Assert.Equal(ErrorKind.Data, e.Kind);

        var result = await Replayer(store, WalRecoveryMode.PointInTime).ReplayAsync(0, 3, 0, MissingWal.Fail, CancellationToken.None);
        Assert.Equal(["a@1"], Rows(result));
        Assert.Equal((2UL, 1UL), (result.DamagedWalId!.Value, result.LastWalId));
        Assert.NotNull(result.Damage);
        Release(result);
    }

    [Fact]
    public async Task Memtables_freeze_after_the_object_that_fills_them_or_before_the_row_that_does_not_fit()
    {
        var store = new InMemoryObjectStore();
        var value = new string('v', 600);
        await WriteWalAsync(store, 1, [.. Enumerable.Range(1, 2).Select(i => ($"a{i}", (ulong)i))], value);
        await WriteWalAsync(store, 2, [.. Enumerable.Range(3, 10).Select(i => ($"b{i:d2}", (ulong)i))], value);
        await WriteWalAsync(store, 3, ("c", 13));

        // Freeze at 1,000 bytes, arenas of 4 KiB: object 1 (two rows) fills the first memtable;
        // object 2's ten rows (6 KB) overflow the second memtable's arena halfway.
        var replayer = new WalReplayer(store, "db", WalRecoveryMode.Strict, 1_000, (need, _) => new SlateFast.Memtables.Memtable(Math.Max(4096, need * 2)));
        var result = await replayer.ReplayAsync(0, 3, 0, MissingWal.Fail, CancellationToken.None);

        var oldestFirst = result.NewestFirst.AsEnumerable().Reverse().ToList();
        Assert.True(oldestFirst.Count >= 3, $"{oldestFirst.Count} memtables");
        Assert.Equal(1UL, oldestFirst[0].LastWalId);
        Assert.Equal(1UL, oldestFirst[1].LastWalId);
        Assert.All(oldestFirst.Skip(1).SkipLast(1), m => Assert.True(m.LastWalId <= 2));
        Assert.Equal(13UL, result.MaxSeq);
        Assert.Equal(13L, result.Rows);
        Assert.Equal(13, Rows(result).Count);
        Assert.Same(result.NewestFirst[0], result.Open);
        Release(result);
    }

    private static WalReplayer Replayer(IObjectStore store, WalRecoveryMode mode = WalRecoveryMode.Strict) =>
        new(store, "db", mode, 1L << 20, (need, _) => new SlateFast.Memtables.Memtable(Math.Max(1L << 16, need * 2)));

    private static Task WriteWalAsync(IObjectStore store, ulong id, params (string Key, ulong Seq)[] rows) => WriteWalAsync(store, id, rows, "v");

    private static async Task WriteWalAsync(IObjectStore store, ulong id, (string Key, ulong Seq)[] rows, string value)
    {
        using var wal = new WalBuffer(CompressionCodec.None, 4096);
        foreach (var (key, seq) in rows)
        {
            wal.Append(new RowEntry(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(value), seq, RowKind.Value));
        }

        wal.Seal(id);
        await store.PutAsync(DbPaths.WalSstPath("db", id), wal.Finish().ToArray());
    }

    private static List<string> Rows(WalReplayer.Result result)
    {
        var rows = new List<string>();
        foreach (var memtable in result.NewestFirst.AsEnumerable().Reverse())
        {
            for (var node = memtable.Rows.First(); node != 0; node = memtable.Rows.Next(node))
            {
                rows.Add($"{Encoding.ASCII.GetString(memtable.Rows.KeyOf(node))}@{memtable.Rows.SeqOf(node)}");
            }
        }

        return rows;
    }

    private static void Release(WalReplayer.Result result)
    {
        foreach (var memtable in result.NewestFirst)
        {
            memtable.Release();
        }
    }
}
