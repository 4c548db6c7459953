using System.Diagnostics;
using SlateFast.Cli;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.Cli;

/// <summary>
/// Reading needs no write access and leaves nothing behind: the local store makes its scratch
/// folders (<c>.slatefast-tmp</c>, <c>.slatefast-locks</c>) only when a write needs them.
/// </summary>
public sealed class ReadOnlyStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Read_commands_leave_no_scratch_folders_in_the_store_root()
    {
        using var folder = new TempFolder("cli-no-litter");
        await WriteDatabaseAsync(folder.Path);
        DeleteScratch(folder.Path);

        foreach (var command in ReadCommands)
        {
            var (exit, _, error) = await SlateFastCli.RunAsync(folder.Path, command);
            Assert.True(exit == 0, $"{string.Join(' ', command)} exited {exit}: {error}");
        }

        Assert.Empty(Directory.GetDirectories(folder.Path, ".slatefast-*"));
    }

    [Fact]
    public async Task Read_commands_work_on_read_only_storage()
    {
        using var folder = new TempFolder("cli-read-only");
        var mount = Path.Combine(folder.Path, "fs");
        Directory.CreateDirectory(mount);
        // Root ignores file permissions, so read-only means a read-only mount here.
        if (SystemTools.Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount) is { } why)
        {
            output.WriteLine($"SKIPPED: cannot mount a tmpfs here ({why})");
            return;
        }

        try
        {
            await WriteDatabaseAsync(mount);
            DeleteScratch(mount);
            Assert.Null(SystemTools.Run("mount", "-o", "remount,ro", mount));
            Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(mount, "probe"), "x"));

            foreach (var command in ReadCommands)
            {
                var (exit, text, error) = await SlateFastCli.RunAsync(mount, command);
                Assert.True(exit == 0, $"{string.Join(' ', command)} on read-only storage exited {exit}: {error}");
                output.WriteLine($"$ slatefast {string.Join(' ', command)}\n{text.TrimEnd()}");
            }

            var (getExit, value, _) = await SlateFastCli.RunAsync(mount, ["get", "db", "apple"]);
            Assert.Equal((0, "red"), (getExit, value.Trim()));
        }
        finally
        {
            SystemTools.Run("umount", "-l", mount);
        }
    }

    private static readonly string[][] ReadCommands =
    [
        ["get", "db", "apple"],
        ["scan", "db", "--limit", "5"],
        ["manifest", "dump", "db"],
        ["info", "db"],
        ["manifest", "list", "db"],
    ];

    private static async Task WriteDatabaseAsync(string root)
    {
        await using var db = await DbHandle.OpenAsync("db", new LocalObjectStore(root));
        await db.PutAsync("apple"u8.ToArray(), "red"u8.ToArray());
        await db.PutAsync("pear"u8.ToArray(), "green"u8.ToArray(), writeOptions: WriteOptions.NoWait);
        await db.CloseAsync();
    }

    private static void DeleteScratch(string root)
    {
        foreach (var dir in Directory.GetDirectories(root, ".slatefast-*"))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
