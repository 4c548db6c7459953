using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.ObjectStore;

/// <summary>
/// Create-if-absent writes a file that has no name until linkat(2) gives it its final one
/// (RFC 0021), so no temporary name is ever created or left behind, and a filesystem that cannot
/// do that falls back to named temporary files (covered by the named-files contract tests).
/// </summary>
public sealed class LocalUnnamedFileTests
{
    [Fact]
    public async Task A_create_if_absent_leaves_no_temporary_name_behind_whether_it_wins_or_loses()
    {
        using var folder = new TempFolder("unnamed");
        var store = new LocalObjectStore(folder.Path);
        var data = new byte[1 << 20];
        Random.Shared.NextBytes(data);

        var won = await store.PutIfAbsentAsync("db/wal/00000000000000000001.sst", data);
        var lost = await store.PutIfAbsentAsync("db/wal/00000000000000000001.sst", new byte[10]);

        Assert.True(won.Stored);
        Assert.Equal(PutOutcome.AlreadyExists, lost.Outcome);
        Assert.Equal(data, (await store.GetAsync("db/wal/00000000000000000001.sst"))!.Data.ToArray());
        if (store.UnnamedFiles)
        {
            // The named protocol would have made the scratch folder for its temporary file.
            Assert.False(Directory.Exists(Path.Combine(folder.Path, ".slatefast-tmp")));
        }

        Assert.Equal(["db/wal/00000000000000000001.sst"], (await store.ListAllAsync("")).Select(m => m.Path));
    }

    [Fact]
    public async Task Unnamed_and_named_creates_agree_on_who_wins_the_same_name()
    {
        using var folder = new TempFolder("unnamed-mixed");
        var unnamed = new LocalObjectStore(folder.Path);
        var named = new LocalObjectStore(folder.Path) { UnnamedFiles = false };

        Assert.True((await named.PutIfAbsentAsync("db/manifest/00000000000000000001.manifest", new byte[] { 1 })).Stored);
        Assert.False((await unnamed.PutIfAbsentAsync("db/manifest/00000000000000000001.manifest", new byte[] { 2 })).Stored);
        Assert.True((await unnamed.PutIfAbsentAsync("db/manifest/00000000000000000002.manifest", new byte[] { 3 })).Stored);
        Assert.False((await named.PutIfAbsentAsync("db/manifest/00000000000000000002.manifest", new byte[] { 4 })).Stored);

        Assert.Equal([1], (await named.GetAsync("db/manifest/00000000000000000001.manifest"))!.Data.ToArray());
        Assert.Equal([3], (await named.GetAsync("db/manifest/00000000000000000002.manifest"))!.Data.ToArray());
    }
}
