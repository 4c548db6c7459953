using System.Collections.Immutable;
using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Interop.Db;

/// <summary>
/// What SlateFast now writes for SlateDB 0.13+ peers, checked against the real SlateDB 0.12.1
/// engine: GC boundary files and kept fences do not disturb it, and a V2 manifest with segments
/// verifies in its FlatBuffers reader (it then sees only the root tree, the hazard RFC 0014 names).
/// </summary>
public sealed class NewerFormatInteropTests
{
    private static readonly DbOptions s_options = new()
    {
        FlushInterval = TimeSpan.FromMilliseconds(5),
        GarbageCollector = null,
        Compactor = new() { Enabled = false },
    };

    [Fact]
    public async Task SlateDB_0_12_reads_and_writes_a_database_with_boundary_files_and_kept_fences()
    {
        using var tmp = new TempFolder();
        var store = new LocalObjectStore(tmp.Path);
        for (int session = 0; session < 3; session++)
        {
            await using var db = await DbHandle.OpenAsync("db", store, s_options);
            await db.PutAsync(B($"k{session}"), B($"v{session}"));
            await db.FlushAsync(FlushType.MemTable);
        }

        // Collect everything collectable now: the boundary moves, the fences stay.
        var result = await new DbAdmin("db", store).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.Zero));
        Assert.NotEmpty(result.Manifests);
        Assert.True(await new ManifestStore(store, "db").Boundary.ReadAsync() > 0);
        Assert.NotEmpty(await store.ListAllAsync("db/gc/"));

        await SlateDbNode.WriteAsync(tmp.Path, "db", [SlateDbWriteOp.Put(B("from-slatedb"), B("x"))]);
        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");
        Assert.Equal(["from-slatedb", "k0", "k1", "k2"], rows.Select(r => Encoding.UTF8.GetString(r.Key)));

        await using var reopened = await DbHandle.OpenAsync("db", store, s_options);
        Assert.Equal(B("x"), await reopened.GetAsync(B("from-slatedb")));
        Assert.Equal(B("v2"), await reopened.GetAsync(B("k2")));
    }

    [Fact]
    public async Task SlateDB_0_12_accepts_the_V2_manifest_SlateFast_writes_for_a_segmented_database_and_sees_only_its_root_tree()
    {
        using var tmp = new TempFolder();
        var store = new LocalObjectStore(tmp.Path);
        await using (var db = await DbHandle.OpenAsync("db", store, s_options))
        {
            await db.PutAsync(B("a/1"), B("segment"));
            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync(B("root"), B("root"));
            await db.FlushAsync(FlushType.MemTable);
        }

        var manifests = new ManifestStore(store, "db");
        var (id, state) = (await manifests.LoadLatestAsync())!.Value;
        var (root, segment) = (state.L0[0], state.L0[1]);
        var segmented = state with
        {
            L0 = [root],
            Segments = [new Segment(B("a/"), null, [segment], ImmutableArray<SortedRun>.Empty)],
            SegmentExtractorName = "fixed:2",
        };
        Assert.True(await manifests.TryWriteAsync(id + 1, segmented));
        Assert.Equal(2, (await store.GetAsync(DbPaths.ManifestPath("db", id + 1)))!.Data.Span[1]);

        // SlateDB 0.12 verifies and decodes the V2 bytes, and (not knowing segments) reads only the root tree.
        Assert.Equal(["root"], (await SlateDbNode.ScanAsync(tmp.Path, "db")).Select(r => Encoding.UTF8.GetString(r.Key)));

        // SlateFast reads as SlateDB 0.13+ does: only the segments.
        await using var reader = await DbReader.OpenAsync("db", store);
        Assert.Equal(B("segment"), await reader.GetAsync(B("a/1")));
        Assert.Null(await reader.GetAsync(B("root")));
    }
}
