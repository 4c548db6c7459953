using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Security;

/// <summary>
/// No object name (database paths, object paths, list prefixes) reaches outside the local store's
/// root: "..", absolute paths, NUL and control characters, backslashes and the store's own
/// bookkeeping folders are <see cref="ErrorKind.Invalid"/> before anything touches the disk.
/// </summary>
public sealed class PathEscapeTests
{
    public static TheoryData<string> HostileNames =>
    [
        "../outside", "db/../../outside", "/etc/passwd", "/tmp/x", "db/\0/x", "db\0", "..", ".", "db/./x",
        "db\\..\\..\\x", "db//x", "db/x/", "", "db/\n", ".slatefast-tmp/x", ".slatefast-locks/stripe-00.lock",
        "a/" + new string('b', 2000),
    ];

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task A_hostile_object_name_is_invalid_for_every_operation_and_creates_nothing(string name)
    {
        using var folder = new TempFolder("paths");
        var root = Path.Combine(folder.Path, "root");
        var store = new LocalObjectStore(root);
        var before = Snapshot(folder.Path);
        var operations = new Func<Task>[]
        {
            async () => await store.PutAsync(name, new byte[1]),
            async () => await store.PutIfAbsentAsync(name, new byte[1]),
            async () => await store.PutIfMatchAsync(name, new byte[1], "x"),
            async () => await store.GetAsync(name),
            async () => await store.GetRangeAsync(name, 0, 1),
            async () => await store.HeadAsync(name),
            async () => await store.DeleteAsync(name),
            async () => await (await store.OpenWriterAsync(name)).CompleteAsync(),
        };
        foreach (var operation in operations)
        {
            var e = await Assert.ThrowsAnyAsync<SlateFastException>(operation);
            Assert.Equal(ErrorKind.Invalid, e.Kind);
        }

        Assert.Equal(before, Snapshot(folder.Path));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("db/../../x")]
    [InlineData("db\0x")]
    public async Task A_hostile_database_path_is_invalid_when_opening_a_database_or_a_reader(string path)
    {
        using var folder = new TempFolder("paths");
        var store = new LocalObjectStore(Path.Combine(folder.Path, "root"));
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => DbHandle.OpenAsync(path, store));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        var r = await Assert.ThrowsAnyAsync<SlateFastException>(() => DbReader.OpenAsync(path, store));
        Assert.Equal(ErrorKind.Invalid, r.Kind);
        Assert.False(File.Exists(Path.Combine(folder.Path, "outside")) || Directory.Exists(Path.Combine(folder.Path, "x")));
    }

    [Theory]
    [InlineData("file:///tmp/a\0b")]
    [InlineData("file://host/tmp")]
    [InlineData("file:relative")]
    public void A_hostile_store_url_is_invalid(string url)
    {
        var e = Assert.Throws<SlateFastException>(() => ObjectStores.FromUrl(url));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public async Task Listing_does_not_follow_a_symlink_planted_in_the_root_out_of_it()
    {
        using var folder = new TempFolder("paths");
        var (store, root, outside) = await StoreBesideASecretAsync(folder.Path);
        Directory.CreateSymbolicLink(Path.Combine(root, "db", "link"), outside);

        var listed = new List<string>();
        await foreach (var meta in store.ListAsync("db/"))
        {
            listed.Add(meta.Path);
        }

        Assert.DoesNotContain(listed, p => p.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_read_through_a_symbolic_link_planted_inside_the_root_is_refused_as_Invalid()
    {
        using var folder = new TempFolder("link-read");
        var (store, root, outside) = await StoreBesideASecretAsync(folder.Path);
        File.CreateSymbolicLink(Path.Combine(root, "db", "file-link"), Path.Combine(outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(root, "db", "folder-link"), outside);

        foreach (var path in new[] { "db/file-link", "db/folder-link/secret.txt" })
        {
            var get = await Assert.ThrowsAsync<SlateFastException>(async () => await store.GetAsync(path));
            Assert.Equal(ErrorKind.Invalid, get.Kind);
            Assert.Contains("symbolic link", get.Message, StringComparison.Ordinal);
            var range = await Assert.ThrowsAsync<SlateFastException>(async () => await store.GetRangeAsync(path, 0, 4));
            Assert.Equal(ErrorKind.Invalid, range.Kind);
            var read = await Assert.ThrowsAsync<SlateFastException>(async () => await store.ReadRangeAsync(path, 0, new byte[4]));
            Assert.Equal(ErrorKind.Invalid, read.Kind);
        }

        // Objects that are plain files still read.
        Assert.NotNull(await store.GetAsync("db/a"));
    }

    // A store under folder/root holding db/a, and folder/outside/secret.txt that must stay unreachable.
    private static async Task<(LocalObjectStore Store, string Root, string Outside)> StoreBesideASecretAsync(string folder)
    {
        var outside = Path.Combine(folder, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "outside the root");
        var root = Path.Combine(folder, "root");
        var store = new LocalObjectStore(root);
        await store.PutAsync("db/a", new byte[1]);
        return (store, root, outside);
    }

    private static string Snapshot(string dir) =>
        string.Join("\n", Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Where(p => !p.Contains(".slatefast-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
}
