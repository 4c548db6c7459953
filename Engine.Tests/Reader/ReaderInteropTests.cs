using SlateFast.ObjectStore;
using SlateFast.Tests.Interop;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Reader;

/// <summary>Readers and clones across engines: real SlateDB 0.12.1 (Node) on one side, SlateFast on the other.</summary>
public sealed class ReaderInteropTests
{
    [Fact]
    public async Task A_slatedb_reader_follows_a_slatefast_writer_through_wal_and_l0()
    {
        using var folder = new TempFolder("follow-sf");
        var store = new LocalObjectStore(folder.Path);
        await using var db = await DbHandle.OpenAsync("db", store, new DbOptions { GarbageCollector = null });
        await db.PutAsync(B("a"), B("1"));
        await using var follower = await SlateDbFollower.StartAsync(folder.Path, "db");
        Assert.Equal(B("1"), await follower.AwaitAsync(B("a"), B("1")));

        await db.PutAsync(B("b"), B("2"));
        Assert.Equal(B("2"), await follower.AwaitAsync(B("b"), B("2")));

        await db.FlushAsync(FlushType.MemTable);
        await db.DeleteAsync(B("a"));
        await db.PutAsync(B("c"), B("3"));
        Assert.Equal(B("3"), await follower.AwaitAsync(B("c"), B("3")));
        Assert.Null(await follower.AwaitAsync(B("a"), null));
        Assert.Equal(CloseReason.None, db.CloseReason);
    }

    [Fact]
    public async Task A_slatefast_reader_follows_a_slatedb_writer_without_fencing_it()
    {
        using var folder = new TempFolder("follow-sdb");
        var store = new LocalObjectStore(folder.Path);
        await using var writer = await SlateDbNode.HoldWriterAsync(folder.Path, "db");
        Assert.True((await writer.PutAsync(B("a"), B("1"))).Ok);
        await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { ManifestPollInterval = TimeSpan.FromHours(1), CheckpointLifetime = TimeSpan.FromHours(2) });
        Assert.Equal(B("1"), await reader.GetAsync(B("a")));

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await writer.PutAsync(B($"k{i}"), B($"v{i}"))).Ok);
            await reader.RefreshAsync();
            Assert.Equal(B($"v{i}"), await reader.GetAsync(B($"k{i}")));
        }

        Assert.Equal(["a=1", "k0=v0", "k1=v1", "k2=v2", "k3=v3", "k4=v4"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        Assert.True((await writer.PutAsync(B("z"), B("still the writer"))).Ok);
    }

    [Fact]
    public async Task A_clone_of_a_slatedb_database_reads_the_same_in_both_engines_and_takes_writes_of_its_own()
    {
        using var folder = new TempFolder("clone-sdb");
        var store = new LocalObjectStore(folder.Path);
        await SlateDbNode.WriteAsync(folder.Path, "parent", Enumerable.Range(0, 300).Select(i => SlateDbWriteOp.Put(B($"k{i:d3}"), B($"v{i}"))));
        await SlateDbNode.WriteAsync(folder.Path, "parent", [SlateDbWriteOp.Delete(B("k005")), SlateDbWriteOp.Put(B("k006"), B("wal"))], flushMemtable: false);
        var expected = await SlateDbNode.ScanAsync(folder.Path, "parent");

        await new DbAdmin("clone", store).CreateCloneAsync("parent");

        // SlateDB 0.12 reads a clone only through a Db: its DbReader resolves no external SST paths.
        var bySlateDb = SlateDbOutput.ParseRows((await SlateDbNode.RunAsync(["scan", folder.Path, "clone", "--writer"])).Stdout);
        Assert.Equal(expected.Select(r => (r.Key, r.Value)), bySlateDb.Select(r => (r.Key, r.Value)), new RowPairComparer());
        await using (var clone = await DbHandle.OpenAsync("clone", store, new DbOptions { GarbageCollector = null }))
        {
            Assert.Equal(expected.Select(r => $"{System.Text.Encoding.UTF8.GetString(r.Key)}={System.Text.Encoding.UTF8.GetString(r.Value)}"), await ScanAsync(clone.ScanAsync(KeyRange.All)));
            await clone.PutAsync(B("k000"), B("clone"));
            await clone.FlushAsync(FlushType.MemTable);
        }

        var after = SlateDbOutput.ParseRows((await SlateDbNode.RunAsync(["scan", folder.Path, "clone", "--writer"])).Stdout);
        Assert.Equal(B("clone"), after.Single(r => r.Key.AsSpan().SequenceEqual(B("k000"))).Value);
        Assert.Equal(expected.Count, after.Count);
        Assert.Equal(B("v0"), (await SlateDbNode.GetAsync(folder.Path, "parent", [B("k000")])).Single());
        Assert.Equal(expected, await SlateDbNode.ScanAsync(folder.Path, "parent"));
    }

    private sealed class RowPairComparer : IEqualityComparer<(byte[] Key, byte[] Value)>
    {
        public bool Equals((byte[] Key, byte[] Value) x, (byte[] Key, byte[] Value) y) => x.Key.AsSpan().SequenceEqual(y.Key) && x.Value.AsSpan().SequenceEqual(y.Value);

        public int GetHashCode((byte[] Key, byte[] Value) obj) => obj.Key.Length;
    }
}
