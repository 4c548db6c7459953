using System.Diagnostics;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Support;
using Xunit.Abstractions;
using static SlateFast.Tests.Reliability.ReliabilityKit;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// The local store on a small filesystem of its own (a 4 MiB tmpfs the test mounts, filled up by a
/// filler file): writes fail with <see cref="ErrorKind.Unavailable"/> naming the cause, nothing
/// acknowledged is lost, no partial object or temporary file is left, and the database carries on
/// once space returns.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)] // no WAL: the disk fills up inside streaming L0 uploads
    public async Task A_full_disk_fails_writes_as_unavailable_loses_nothing_leaves_no_partial_object_and_recovers_when_space_returns(bool wal)
    {
        using var folder = new TempFolder("disk-full");
        var mount = Path.Combine(folder.Path, "fs");
        Directory.CreateDirectory(mount);
        if (SystemTools.Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount) is { } why)
        {
            // Mounting needs root (CAP_SYS_ADMIN); without it there is no filesystem to fill safely.
            output.WriteLine($"SKIPPED: cannot mount a size-limited tmpfs here ({why})");
            return;
        }

        try
        {
            await RunScenarioAsync(mount, wal);
        }
        finally
        {
            SystemTools.Run("umount", "-l", mount);
        }
    }

    private async Task RunScenarioAsync(string mount, bool wal)
    {
        var store = new LocalObjectStore(Path.Combine(mount, "store"));
        var options = Options(1) with { L0SstSizeBytes = 64 * 1024, BlockSize = 4096, WalEnabled = wal };
        var db = await DbHandle.OpenAsync("db", store, options);
        var acked = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            await db.PutAsync(B($"before-{i:d3}"), B(new string('b', 1000)));
            acked[$"before-{i:d3}"] = new string('b', 1000);
        }

        await db.FlushAsync(FlushType.MemTable);

        // Fill the filesystem, keeping a little room so the failure comes from the engine's writes.
        var filler = Path.Combine(mount, "filler");
        await using (var stream = File.Create(filler))
        {
            var chunk = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    stream.Write(chunk);
                    stream.Flush();
                }
            }
            catch (IOException)
            {
            }

            // Leave room for a few hundred KiB, so the disk fills up in the middle of WAL and L0 writes.
            stream.SetLength(Math.Max(0, stream.Length - (384 * 1024)));
        }

        SlateFastException? failure = null;
        for (var i = 0; i < 5000 && failure is null; i++)
        {
            try
            {
                var key = $"during-{i:d4}";
                var value = new string((char)('a' + (i % 26)), 2000);
                await db.PutAsync(B(key), B(value), writeOptions: i % 4 == 0 ? WriteOptions.Default : WriteOptions.NoWait);
                if (i % 4 == 0)
                {
                    // Durable: this and everything before it is acknowledged.
                    acked[key] = value;
                }

                if (i % 50 == 49)
                {
                    await db.FlushAsync(FlushType.MemTable);
                }
            }
            catch (SlateFastException e)
            {
                failure = e;
            }
        }

        Assert.NotNull(failure);
        output.WriteLine($"{failure!.Kind}/{failure.CloseReason}: {failure.Message}");
        Assert.True(failure.Kind == ErrorKind.Unavailable || (failure.Kind == ErrorKind.Closed && failure.CloseReason == CloseReason.Panic), failure.ToString());
        var text = failure.Message + " " + failure.InnerException?.Message;
        Assert.Contains("disk full", text, StringComparison.Ordinal);

        try
        {
            await db.DisposeAsync();
        }
        catch (SlateFastException e)
        {
            output.WriteLine($"close: {e.Message}");
        }

        // No temporary file survives, and every object under the database is whole.
        var temps = Directory.GetFiles(Path.Combine(store.Root, ".slatefast-tmp"));
        Assert.True(temps.Length == 0, $"temporary files left: {string.Join(", ", temps)}");
        var objects = 0;
        await foreach (var meta in store.ListAsync("db/"))
        {
            objects++;
            if (meta.Path.EndsWith(".sst", StringComparison.Ordinal))
            {
                var file = await SstFile.OpenAsync(store, meta.Path);
                for (var b = 0; b < file.BlockCount; b++)
                {
                    await file.ReadBlockAsync(b);
                }
            }
        }

        output.WriteLine($"{objects} objects checked whole, {acked.Count} acknowledged keys");

        // Space returns: the database reopens with everything acknowledged and takes writes again.
        File.Delete(filler);
        await using var reopened = await DbHandle.OpenAsync("db", store, options);
        var all = await ReadAllAsync(reopened.ScanAsync(KeyRange.All));
        foreach (var (key, value) in acked)
        {
            Assert.True(all.TryGetValue(key, out var got) && got == value, $"acknowledged {key} lost after the disk filled");
        }

        await reopened.PutAsync(B("after"), B("space returned"));
        await reopened.FlushAsync(FlushType.MemTable);
        Assert.Equal("space returned", S(await reopened.GetAsync(B("after"))));
    }
}
