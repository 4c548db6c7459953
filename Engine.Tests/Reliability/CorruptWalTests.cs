using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using static SlateFast.Tests.Reliability.ReliabilityKit;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// A WAL object cut short (a torn write on a store without atomic puts) or damaged after the
/// replay point: by default every open refuses with a Data error naming the object and its id and
/// changes nothing; <see cref="WalRecoveryMode.PointInTime"/> opens at the prefix before it, and a
/// writer makes that cut permanent before its first write. Deterministic: no seed.
/// </summary>
public sealed class CorruptWalTests
{
    private const string Db = "db";

    // Memtables large enough that nothing reaches L0: the rows stay in the WAL objects under test.
    private static DbOptions Opts(int seed) => Options(seed) with { L0SstSizeBytes = 1 << 20 };

    /// <summary>Where the second of three WAL objects is cut: the cases of issue 15.</summary>
    public static TheoryData<string> Cuts => ["header-short", "header", "mid-block", "index", "footer"];

    private sealed record Damaged(InMemoryObjectStore Store, ulong WalId, string Path, byte[] Bytes);

    // Three WAL objects after the replay point: "a" keys, then "b", then "c" (one durable put each,
    // the writer closed without an L0 flush), and the "b" object cut at the named place.
    private static async Task<Damaged> DamagedDatabaseAsync(string cut)
    {
        var store = new InMemoryObjectStore();
        var ids = new List<ulong>();
        await using (var db = await DbHandle.OpenAsync(Db, store, Opts(1)))
        {
            foreach (var group in new[] { "a", "b", "c" })
            {
                var batch = new WriteBatch();
                for (var i = 0; i < 40; i++)
                {
                    batch.Put(B($"{group}{i:D3}"), B($"value of {group}{i:D3} {new string('x', 30)}"));
                }

                await db.WriteAsync(batch);
                ids.Add(await LatestWalIdAsync(store));
            }
        }

        Assert.True(ids.Distinct().Count() == 3, $"each group in its own WAL object: {string.Join(",", ids)}");
        var manifest = (await new ManifestStore(store, Db).LoadLatestAsync())!.Value.State;
        Assert.True(manifest.ReplayAfterWalId < ids[0], "the three objects are replayed at open, not in L0");

        var path = DbPaths.WalSstPath(Db, ids[1]);
        var whole = (await store.GetAsync(path))!.Data.ToArray();
        var file = await SstFile.OpenAsync(store, path);
        Assert.True(file.BlockCount >= 2, $"the test needs a WAL object of several blocks, got {file.BlockCount}");
        var (block0, length0) = file.BlockRange(0);
        var length = cut switch
        {
            "header-short" => 5, // shorter than a footer: SlateDB would read it as an empty fence
            "header" => 12,
            "mid-block" => (int)(block0 + (length0 / 2)),
            "index" => (int)file.Info.IndexOffset + 3,
            "footer" => whole.Length - 3,
            _ => throw new ArgumentOutOfRangeException(nameof(cut)),
        };
        var torn = whole[..length];
        await store.PutAsync(path, torn);
        return new Damaged(store, ids[1], path, torn);
    }

    private static async Task<ulong> LatestWalIdAsync(IObjectStore store)
    {
        ulong max = 0;
        foreach (var meta in await store.ListAllAsync(DbPaths.DirPrefix(Db, DbPaths.WalDir)))
        {
            if (DbPaths.TryParseWalSstName(meta.Path, out var id))
            {
                max = Math.Max(max, id);
            }
        }

        return max;
    }

    private static void AssertNamesObject(SlateFastException e, Damaged d)
    {
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains($"WAL object {d.WalId} ", e.Message, StringComparison.Ordinal);
        Assert.Contains(d.Path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated or corrupt", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("unsupported SST format version", e.Message.Split(':')[0], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task By_default_every_open_refuses_naming_the_object_and_changes_nothing(string cut)
    {
        var d = await DamagedDatabaseAsync(cut);
        var manifestsBefore = (await d.Store.ListAllAsync(DbPaths.DirPrefix(Db, DbPaths.ManifestDir))).Count;

        AssertNamesObject(await Assert.ThrowsAnyAsync<SlateFastException>(() => DbHandle.OpenAsync(Db, d.Store, Opts(2))), d);
        AssertNamesObject(await Assert.ThrowsAnyAsync<SlateFastException>(() => DbHandle.OpenReadOnlyAsync(Db, d.Store, Opts(3))), d);
        AssertNamesObject(await Assert.ThrowsAnyAsync<SlateFastException>(() => DbReader.OpenAsync(Db, d.Store, new DbReaderOptions { Mode = DbReaderMode.FollowLatest })), d);

        // The damaged object is untouched. The writer's open claimed an epoch and fenced before it
        // replayed (as SlateDB's does), so it leaves one more manifest and a fence, no data change.
        Assert.Equal(d.Bytes, (await d.Store.GetAsync(d.Path))!.Data.ToArray());
        Assert.True((await d.Store.ListAllAsync(DbPaths.DirPrefix(Db, DbPaths.ManifestDir))).Count <= manifestsBefore + 1);
    }

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task Point_in_time_readers_see_the_prefix_before_the_damaged_object(string cut)
    {
        var d = await DamagedDatabaseAsync(cut);

        await using (var reader = await DbReader.OpenAsync(Db, d.Store, new DbReaderOptions { Mode = DbReaderMode.FollowLatest, WalRecovery = WalRecoveryMode.PointInTime }))
        {
            Assert.NotNull(await reader.GetAsync(B("a039")));
            Assert.Null(await reader.GetAsync(B("b000")));
            Assert.Null(await reader.GetAsync(B("c000"))); // after the damage in commit order: not replayed either
            await reader.RefreshAsync();
            Assert.Null(await reader.GetAsync(B("c000")));
        }

        await using (var readOnly = await DbHandle.OpenReadOnlyAsync(Db, d.Store, Opts(4) with { WalRecovery = WalRecoveryMode.PointInTime }))
        {
            Assert.NotNull(await readOnly.GetAsync(B("a000")));
            Assert.Null(await readOnly.GetAsync(B("b039")));
            Assert.Null(await readOnly.GetAsync(B("c039")));
        }

        // Readers write nothing about the cut: a strict open still refuses.
        await Assert.ThrowsAnyAsync<SlateFastException>(() => DbHandle.OpenReadOnlyAsync(Db, d.Store, Opts(5)));
    }

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task A_point_in_time_writer_opens_at_the_prefix_and_makes_the_cut_permanent_before_its_first_write(string cut)
    {
        var d = await DamagedDatabaseAsync(cut);

        await using (var db = await DbHandle.OpenAsync(Db, d.Store, Opts(6) with { WalRecovery = WalRecoveryMode.PointInTime }))
        {
            Assert.Equal($"value of a017 {new string('x', 30)}", S(await db.GetAsync(B("a017"))));
            Assert.Null(await db.GetAsync(B("b000")));
            Assert.Null(await db.GetAsync(B("c000")));

            // The cut is in the manifest before the handle is returned: replay starts after the damage.
            Assert.True(db.CurrentManifest.ReplayAfterWalId > d.WalId, $"replay point {db.CurrentManifest.ReplayAfterWalId} must be past damaged WAL {d.WalId}");
            await db.PutAsync(B("d000"), B("after the cut"));
        }

        // A later strict open replays only what came after the cut: the new write is there, and
        // neither the damaged object nor the one after it comes back half-way.
        await using (var db = await DbHandle.OpenAsync(Db, d.Store, Opts(7)))
        {
            Assert.Equal("after the cut", S(await db.GetAsync(B("d000"))));
            Assert.NotNull(await db.GetAsync(B("a000")));
            Assert.Null(await db.GetAsync(B("b000")));
            Assert.Null(await db.GetAsync(B("c000")));
        }

        // The damaged id was never written again (its bytes are the torn ones).
        Assert.Equal(d.Bytes, (await d.Store.GetAsync(d.Path))!.Data.ToArray());
    }

    [Fact]
    public async Task A_flipped_byte_inside_a_WAL_block_is_a_data_error_naming_the_object()
    {
        var d = await DamagedDatabaseAsync("footer");
        var path = DbPaths.WalSstPath(Db, d.WalId + 1);
        var bytes = (await d.Store.GetAsync(path))!.Data.ToArray();
        bytes[3] ^= 0x40;
        await d.Store.PutAsync(path, bytes);
        await d.Store.PutAsync(d.Path, Array.Empty<byte>()); // the torn one read as a fence: only the flip remains

        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => DbHandle.OpenReadOnlyAsync(Db, d.Store, Opts(8)));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains($"WAL object {d.WalId + 1} ", e.Message, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
    }
}
