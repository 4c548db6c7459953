using SlateFast.Cli;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using static SlateFast.Tests.Reliability.ReliabilityKit;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// The way back from a damaged manifest: the database refuses to open naming the manifest id;
/// <see cref="DbAdmin.RollbackManifestAsync"/> (CLI <c>manifest rollback</c>) writes an older
/// intact version's state as the next version with epochs that fence whoever still runs; the
/// database then opens with that state (plus the WAL written since, when all of it is still there).
/// Deterministic: no seed.
/// </summary>
public sealed class ManifestRollbackTests
{
    private const string Db = "db";

    private static DbOptions Opts(int seed) => Options(seed) with { L0SstSizeBytes = 1 << 20 };

    private sealed record History(ulong AfterA, ulong Latest);

    // "a" keys flushed to L0 (manifest AfterA), then "b" keys flushed too, then a clean close.
    private static async Task<History> WriteHistoryAsync(IObjectStore store)
    {
        ulong afterA;
        await using (var db = await DbHandle.OpenAsync(Db, store, Opts(1)))
        {
            for (var i = 0; i < 20; i++)
            {
                await db.PutAsync(B($"a{i:D2}"), B($"va{i}"));
            }

            await db.FlushAsync(FlushType.MemTable);
            afterA = (await new ManifestStore(store, Db).LoadLatestAsync())!.Value.Id;
            for (var i = 0; i < 20; i++)
            {
                await db.PutAsync(B($"b{i:D2}"), B($"vb{i}"));
            }

            await db.FlushAsync(FlushType.MemTable);
        }

        return new History(afterA, await new ManifestStore(store, Db).LatestIdAsync());
    }

    private static async Task DamageAsync(IObjectStore store, ulong id)
    {
        var path = new ManifestStore(store, Db).PathOf(id);
        var bytes = (await store.GetAsync(path))!.Data.ToArray();
        await store.PutAsync(path, bytes[..(bytes.Length / 2)]);
    }

    private static async Task DeleteWalBeforeAsync(IObjectStore store, ulong replayAfter)
    {
        foreach (var meta in await store.ListAllAsync(DbPaths.DirPrefix(Db, DbPaths.WalDir)))
        {
            if (DbPaths.TryParseWalSstName(meta.Path, out var id) && id <= replayAfter)
            {
                await store.DeleteAsync(meta.Path);
            }
        }
    }

    [Fact]
    public async Task A_damaged_latest_manifest_is_refused_by_id_and_a_rollback_to_the_one_before_opens_with_everything()
    {
        var store = new InMemoryObjectStore();
        var h = await WriteHistoryAsync(store);
        await DamageAsync(store, h.Latest);

        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => DbHandle.OpenAsync(Db, store, Opts(2)));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains($"manifest {h.Latest} (", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAnyAsync<SlateFastException>(() => DbReader.OpenAsync(Db, store, new DbReaderOptions { Mode = DbReaderMode.FollowLatest }));
        Assert.Contains($"manifest {h.Latest} (", e.Message, StringComparison.Ordinal);

        var admin = new DbAdmin(Db, store);
        var versions = await admin.ListManifestsAsync();
        Assert.False(versions[^1].Decodes);
        Assert.All(versions.SkipLast(1), v => Assert.True(v.Decodes, $"manifest {v.Id}"));

        // The damaged one cannot be a target; the one before it can.
        Assert.Equal(ErrorKind.Data, (await Assert.ThrowsAnyAsync<SlateFastException>(() => admin.RollbackManifestAsync(h.Latest))).Kind);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAnyAsync<SlateFastException>(() => admin.RollbackManifestAsync(h.Latest + 5))).Kind);
        var previous = await new ManifestStore(store, Db).LoadAsync(h.Latest - 1);
        var r = await admin.RollbackManifestAsync(h.Latest - 1);
        Assert.Equal(h.Latest + 1, r.ManifestId);
        Assert.True(r.WriterEpoch > previous.WriterEpoch + 1, "above any epoch the damaged version can hold");

        await using var db = await DbHandle.OpenAsync(Db, store, Opts(3));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"va{i}", S(await db.GetAsync(B($"a{i:D2}"))));
            Assert.Equal($"vb{i}", S(await db.GetAsync(B($"b{i:D2}"))));
        }
    }

    [Fact]
    public async Task Rolling_back_past_a_flush_replays_the_WAL_since_or_with_discard_wal_returns_to_exactly_that_manifest()
    {
        var store = new InMemoryObjectStore();
        var h = await WriteHistoryAsync(store);
        var target = await new ManifestStore(store, Db).LoadAsync(h.AfterA);
        var admin = new DbAdmin(Db, store);

        // The WAL after the target's replay point is whole: the "b" writes come back from it.
        var whole = new InMemoryObjectStore();
        foreach (var meta in await store.ListAllAsync(string.Empty))
        {
            await whole.PutAsync(meta.Path, (await store.GetAsync(meta.Path))!.Data);
        }

        await new DbAdmin(Db, whole).RollbackManifestAsync(h.AfterA);
        await using (var db = await DbHandle.OpenAsync(Db, whole, Opts(4)))
        {
            Assert.Equal("vb19", S(await db.GetAsync(B("b19"))));
        }

        // The collector took the WAL the "b" flush covered: replaying what is left would not be
        // a prefix of the commit order, so the rollback is refused, and discard-wal goes back to
        // exactly the target's tables and fences the WAL.
        var latest = await new ManifestStore(store, Db).LoadAsync(h.Latest);
        await DeleteWalBeforeAsync(store, latest.ReplayAfterWalId);
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => admin.RollbackManifestAsync(h.AfterA));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains("--discard-wal", e.Message, StringComparison.Ordinal);

        var r = await admin.RollbackManifestAsync(h.AfterA, discardWal: true);
        Assert.NotNull(r.WalFenceId);
        await using (var db = await DbHandle.OpenAsync(Db, store, Opts(5)))
        {
            Assert.Equal("va19", S(await db.GetAsync(B("a19"))));
            Assert.Null(await db.GetAsync(B("b00")));
            Assert.Equal(target.LastL0Seq, db.CurrentManifest.LastL0Seq);
        }
    }

    [Fact]
    public async Task A_rollback_whose_ssts_were_collected_is_refused_naming_them()
    {
        var store = new InMemoryObjectStore();
        var h = await WriteHistoryAsync(store);
        var target = await new ManifestStore(store, Db).LoadAsync(h.AfterA);
        var sst = DbPaths.CompactedSstPath(Db, target.L0[0].Sst.Id);
        await store.DeleteAsync(sst);

        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => new DbAdmin(Db, store).RollbackManifestAsync(h.AfterA));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains(sst, e.Message, StringComparison.Ordinal);
        Assert.Equal(h.Latest, await new ManifestStore(store, Db).LatestIdAsync()); // nothing written
    }

    [Fact]
    public async Task A_writer_still_running_is_fenced_by_the_rollback()
    {
        var store = new InMemoryObjectStore();
        var h = await WriteHistoryAsync(store);
        await using var running = await DbHandle.OpenAsync(Db, store, Opts(6));
        await new DbAdmin(Db, store).RollbackManifestAsync(h.Latest);

        await running.PutAsync(B("late"), B("write"));
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => running.FlushAsync(FlushType.MemTable));
        Assert.Equal(ErrorKind.Closed, e.Kind);
        Assert.Equal(CloseReason.Fenced, e.CloseReason);
    }

    [Fact]
    public async Task The_cli_lists_manifests_with_the_damaged_one_and_rolls_back()
    {
        using var folder = new TempFolder("cli-rollback");
        var store = new LocalObjectStore(folder.Path);
        var h = await WriteHistoryAsync(store);
        await DamageAsync(store, h.Latest);

        var (exit, _, err) = await SlateFastCli.RunAsync(folder.Path, "get", Db, "a00");
        Assert.Equal(ExitCodes.For(ErrorKind.Data), exit);
        Assert.Contains($"Data: manifest {h.Latest} (", err, StringComparison.Ordinal);

        (exit, var output, _) = await SlateFastCli.RunAsync(folder.Path, "manifest", "list", Db);
        Assert.Equal(ExitCodes.For(ErrorKind.Data), exit);
        Assert.Contains($"{h.Latest} DAMAGED", output, StringComparison.Ordinal);
        Assert.Contains($"{h.Latest - 1} ok", output, StringComparison.Ordinal);

        Assert.Equal(2, (await SlateFastCli.RunAsync(folder.Path, "manifest", "rollback", Db)).Exit); // --to is required
        (exit, output, err) = await SlateFastCli.RunAsync(folder.Path, "manifest", "rollback", Db, "--to", $"{h.Latest - 1}");
        Assert.True(exit == 0, err);
        Assert.Contains($"wrote manifest {h.Latest + 1} with the state of manifest {h.Latest - 1}", output, StringComparison.Ordinal);

        (exit, output, _) = await SlateFastCli.RunAsync(folder.Path, "get", Db, "b07");
        Assert.Equal(0, exit);
        Assert.Equal("vb7", output.Trim());
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "manifest", "list", Db)).Exit);
    }

    [Fact]
    public async Task The_cli_reads_past_a_torn_WAL_object_only_when_asked()
    {
        using var folder = new TempFolder("cli-torn-wal");
        var store = new LocalObjectStore(folder.Path);
        await using (var db = await DbHandle.OpenAsync(Db, store, Opts(7)))
        {
            await db.PutAsync(B("k1"), B("one"));
            await db.PutAsync(B("k2"), B("two"));
        }

        ulong last = 0;
        foreach (var meta in await store.ListAllAsync(DbPaths.DirPrefix(Db, DbPaths.WalDir)))
        {
            if (DbPaths.TryParseWalSstName(meta.Path, out var id) && meta.Size > 0)
            {
                last = Math.Max(last, id);
            }
        }

        var path = DbPaths.WalSstPath(Db, last);
        var bytes = (await store.GetAsync(path))!.Data.ToArray();
        await store.PutAsync(path, bytes[..(bytes.Length - 4)]);

        var (exit, _, err) = await SlateFastCli.RunAsync(folder.Path, "get", Db, "k1");
        Assert.Equal(ExitCodes.For(ErrorKind.Data), exit);
        Assert.Contains($"WAL object {last} ", err, StringComparison.Ordinal);
        Assert.Equal(2, (await SlateFastCli.RunAsync(folder.Path, "get", Db, "k1", "--wal-recovery", "maybe")).Exit);

        (exit, var output, err) = await SlateFastCli.RunAsync(folder.Path, "get", Db, "k1", "--wal-recovery", "point-in-time");
        Assert.True(exit == 0, err);
        Assert.Equal("one", output.Trim());
    }
}
