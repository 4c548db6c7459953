using System.Diagnostics;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using static SlateFast.Tests.Reliability.ReliabilityKit;

namespace SlateFast.Tests.Security;

/// <summary>
/// Keys and values at and beyond the limits, huge batches and pathological keys (long shared
/// prefixes, all-0xFF keys, NUL bytes) through the API (memtable, WAL, L0, reopen; both scan
/// orders) and through the CLI.
/// </summary>
public sealed class LimitTests
{
    private static IEnumerable<byte[]> PathologicalKeys()
    {
        yield return [0xFF];
        yield return Enumerable.Repeat((byte)0xFF, 100).ToArray();
        yield return Enumerable.Repeat((byte)0xFF, Keys.MaxKeyLength).ToArray();
        yield return [0x00];
        yield return [0x00, 0x00, 0x00];
        for (var i = 0; i < 50; i++)
        {
            // 4 KiB shared prefix, distinct last byte: stresses prefix compression and index keys.
            yield return [.. Enumerable.Repeat((byte)'p', 4096), (byte)i];
        }

        yield return Enumerable.Repeat((byte)'m', Keys.MaxKeyLength).ToArray();
    }

    [Fact]
    public async Task Keys_at_the_limit_and_pathological_keys_round_trip_through_memtable_wal_l0_and_reopen()
    {
        var store = new InMemoryObjectStore();
        var keys = PathologicalKeys().ToList();
        var options = Options(1) with { L0SstSizeBytes = 256 * 1024 };
        await using (var db = await DbHandle.OpenAsync("db", store, options))
        {
            for (var i = 0; i < keys.Count; i++)
            {
                await db.PutAsync(keys[i], BitConverter.GetBytes(i), writeOptions: WriteOptions.NoWait);
            }

            await db.FlushAsync();
            await CheckAsync(db, keys);
            await db.FlushAsync(FlushType.MemTable);
            await CheckAsync(db, keys);
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, options);
        await CheckAsync(reopened, keys);
    }

    private static async Task CheckAsync(DbHandle db, List<byte[]> keys)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Equal(BitConverter.GetBytes(i), await db.GetAsync(keys[i]));
        }

        var sorted = keys.Select(k => Convert.ToHexString(k)).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var order in new[] { IterationOrder.Ascending, IterationOrder.Descending })
        {
            var scanned = new List<string>();
            await foreach (var kv in db.ScanAsync(KeyRange.All, new ScanOptions { Order = order }))
            {
                scanned.Add(Convert.ToHexString(kv.Key));
            }

            Assert.Equal(order == IterationOrder.Ascending ? sorted : Enumerable.Reverse(sorted).ToList(), scanned);
        }
    }

    [Fact]
    public async Task Keys_beyond_the_limit_and_empty_keys_are_invalid_everywhere_and_change_nothing()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options(1));
        var tooLong = new byte[Keys.MaxKeyLength + 1];
        foreach (var key in new[] { tooLong, Array.Empty<byte>() })
        {
            Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAnyAsync<SlateFastException>(async () => await db.PutAsync(key, B("v")))).Kind);
            Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAnyAsync<SlateFastException>(async () => await db.DeleteAsync(key))).Kind);
            Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAnyAsync<SlateFastException>(async () => await db.MergeAsync(key, B("v")))).Kind);
            Assert.Equal(ErrorKind.Invalid, Assert.ThrowsAny<SlateFastException>(() => new WriteBatch().Put(key, B("v"))).Kind);
            using var txn = db.BeginTransaction();
            Assert.Equal(ErrorKind.Invalid, Assert.ThrowsAny<SlateFastException>(() => txn.Put(key, B("v"))).Kind);
        }

        Assert.Equal(0UL, db.LastSeq);
    }

    [Fact]
    public async Task A_large_value_and_a_batch_of_100000_rows_commit_atomically_and_survive_a_reopen()
    {
        var store = new InMemoryObjectStore();
        var big = new byte[12 * 1024 * 1024];
        new Random(1).NextBytes(big);
        var batch = new WriteBatch();
        for (var i = 0; i < 100_000; i++)
        {
            batch.Put(B($"row{i:d6}"), B($"{i}"));
        }

        await using (var db = await DbHandle.OpenAsync("db", store, Options(1) with { L0SstSizeBytes = 4 * 1024 * 1024, MaxUnflushedBytes = 64 * 1024 * 1024 }))
        {
            await db.PutAsync(B("big"), big);
            var handle = await db.WriteAsync(batch);
            Assert.Equal(2UL, handle.Seq);
            await db.FlushAsync(FlushType.MemTable);
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, Options(2));
        Assert.Equal(big, await reopened.GetAsync(B("big")));
        var count = 0;
        await foreach (var kv in reopened.ScanPrefixAsync(B("row")))
        {
            Assert.Equal(2UL, kv.Seq);
            count++;
        }

        Assert.Equal(100_000, count);
    }

    [Fact]
    public async Task The_cli_round_trips_all_0xff_keys_up_to_the_limit_and_refuses_one_beyond_it()
    {
        using var folder = new TempFolder("cli-limits");
        var put = await RunCliAsync(folder.Path, "put", "db", "FFFFFFFF", "414243", "--hex", "--create");
        Assert.True(put.Exit == 0, put.Text);
        var get = await RunCliAsync(folder.Path, "get", "db", "FFFFFFFF", "--hex");
        Assert.True(get.Exit == 0, get.Text);
        Assert.Contains("414243", get.Text, StringComparison.OrdinalIgnoreCase);

        // A 64 KiB key does not fit a command line (Linux limits one argument to 128 KiB); load takes it from a file.
        var atLimit = new string('F', 2 * Keys.MaxKeyLength);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "limit.jsonl"), $$"""{"key":"{{atLimit}}","value":"4C"}""" + "\n");
        var load = await RunCliAsync(folder.Path, "load", "db", "--input", "limit.jsonl");
        Assert.True(load.Exit == 0, load.Text);
        var scan = await RunCliAsync(folder.Path, "scan", "db", "--format", "jsonl");
        Assert.Contains(atLimit.ToLowerInvariant(), scan.Text.ToLowerInvariant(), StringComparison.Ordinal);

        await File.WriteAllTextAsync(Path.Combine(folder.Path, "beyond.jsonl"), $$"""{"key":"{{atLimit}}FF","value":"00"}""" + "\n");
        var beyond = await RunCliAsync(folder.Path, "load", "db", "--input", "beyond.jsonl");
        Assert.NotEqual(0, beyond.Exit);
        Assert.Contains("key length", beyond.Text, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Text)> RunCliAsync(string dir, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        info.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
