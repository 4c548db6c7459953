using SlateFast.Tests.Support;
using System.Collections.Immutable;
using System.Text;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.GarbageCollection;

/// <summary>A clock tests move by hand; timers still run on real time (only the collector's ages and checkpoint lifetimes read it).</summary>
internal static class GcTestKit
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<List<string>> ScanAsync(DbIterator iterator)
    {
        var rows = new List<string>();
        await using (iterator)
        {
            await foreach (var kv in iterator)
            {
                rows.Add($"{Encoding.UTF8.GetString(kv.Key)}={Encoding.UTF8.GetString(kv.Value)}");
            }
        }

        return rows;
    }

    public static List<string> Render(SortedDictionary<string, string> model) => [.. model.Select(kv => $"{kv.Key}={kv.Value}")];

    public static async Task<List<string>> ListAsync(IObjectStore store, string prefix) =>
        [.. (await store.ListAllAsync(prefix)).Select(m => m.Path)];

    /// <summary>
    /// What a compactor does, done offline for tests (the real one is another component): every
    /// L0 SST and sorted run is merged into one new sorted run holding the latest version of each
    /// live key contained in them, committed in a new manifest, with a compactions file recording
    /// the compaction. The old SSTs become garbage unless a checkpoint pins them.
    /// </summary>
    public static async Task CompactAllAsync(IObjectStore store, string db, TimeProvider time, Random random)
    {
        var manifests = new ManifestStore(store, db);
        var (id, state) = (await manifests.LoadLatestAsync())!.Value;
        if (state.L0.IsEmpty && state.Compacted.Length <= 1)
        {
            return;
        }

        var compactionId = Ulid.NewUlid(time, random);
        var rows = new List<KeyValue>();
        await using (var reader = await DbReader.OpenAsync(db, store, new DbReaderOptions { Mode = DbReaderMode.FollowLatest, SkipWalReplay = true, TimeProvider = time }))
        {
            await using var it = reader.ScanAsync(KeyRange.All);
            await foreach (var kv in it)
            {
                // Only what L0 and the runs hold; newer rows come back from the WAL. A key whose newest
                // row is in the WAL is left out: its WAL row shadows anything older anyway.
                if (kv.Seq <= state.LastL0Seq)
                {
                    rows.Add(kv);
                }
            }
        }

        var memtable = new SlateFast.Memtables.Memtable(1L << 24);
        try
        {
            foreach (var kv in rows)
            {
                memtable.Insert(kv.Key, kv.Seq, RowFlags.Encode(RowKind.Value, kv.ExpireTs is not null, kv.CreateTs is not null), kv.Value, kv.CreateTs ?? 0, kv.ExpireTs ?? 0);
            }

            var outputId = Ulid.NewUlid(time, random);
            var runs = ImmutableArray<SortedRun>.Empty;
            var outputs = ImmutableArray<CompactedSst>.Empty;
            if (rows.Count > 0)
            {
                var sst = await SlateFast.Flush.L0Writer.WriteAsync(store, db, memtable, new DbOptions(), outputId, [], CancellationToken.None);
                runs = [new SortedRun(0, [SstView.Whole(sst)])];
                outputs = [sst];
            }

            var spec = new CompactionSpec([.. state.L0.Select(v => v.Id)], [.. state.Compacted.Select(r => r.Id)]);
            var compactionsId = 1UL;
            foreach (var meta in await store.ListAllAsync(DbPaths.DirPrefix(db, DbPaths.CompactionsDir)))
            {
                if (DbPaths.TryParseCompactionsName(meta.Path, out var existing))
                {
                    compactionsId = Math.Max(compactionsId, existing + 1);
                }
            }

            await store.PutIfAbsentAsync(
                DbPaths.CompactionsPath(db, compactionsId),
                CompactionsCodec.Encode(new CompactionsState(state.CompactorEpoch, [new Compaction(compactionId, spec, CompactionStatus.Completed, outputs)])));
            var newestL0 = state.L0.IsEmpty ? state.LastCompactedL0SstId : state.L0[0].Sst.Id;
            var next = state with { L0 = [], Compacted = runs, LastCompactedL0SstId = newestL0, LastCompactedL0SstViewId = newestL0 };
            Assert.True(await manifests.TryWriteAsync(id + 1, next), "the offline compaction raced another manifest writer");
        }
        finally
        {
            memtable.Release();
        }
    }
}
