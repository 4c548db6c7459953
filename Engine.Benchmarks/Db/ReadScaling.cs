using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using SlateFast.ObjectStore;

namespace SlateFast.Benchmarks.Db;

/// <summary>
/// Cached point reads of one L0 SST by 1, then 2, then 1 and 2 again concurrent readers, in one
/// process on one database: whether reads scale with cores. 500,000 random 16-byte keys with
/// 100-byte values on the local store, flushed and warmed by a full scan, every read checked to
/// be found. Run: <c>Engine.Benchmarks readscale [--seconds N] [--keys N]</c>.
/// </summary>
internal static class ReadScaling
{
    public static async Task<int> RunAsync(string[] args)
    {
        double seconds = Option(args, "--seconds") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : 5;
        int count = Option(args, "--keys") is { } k ? int.Parse(k, CultureInfo.InvariantCulture) : 500_000;
        var folder = Path.Combine(Path.GetTempPath(), $"slatefast-readscale-{Environment.ProcessId}");
        try
        {
            var db = await DbHandle.OpenAsync("db", new LocalObjectStore(folder), new DbOptions { L0MaxSsts = 64 }).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var keys = await LoadAsync(db, count).ConfigureAwait(false);
                Console.WriteLine($"cached point reads of one L0 SST, {count:N0} keys (16 B keys, 100 B values), {seconds} s per case after a 2 s warm-up, {Environment.ProcessorCount} cores");
                Console.WriteLine("| readers | reads/s | µs per read per reader | vs 1 reader (same round) |");
                Console.WriteLine("|---:|---:|---:|---:|");
                await MeasureAsync(db, keys, 1, 2).ConfigureAwait(false);
                for (var round = 0; round < 2; round++)
                {
                    var one = await MeasureAsync(db, keys, 1, seconds).ConfigureAwait(false);
                    var two = await MeasureAsync(db, keys, 2, seconds).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| 1 | {one:N0} | {1e6 / one:F2} | 1.00x |"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| 2 | {two:N0} | {2e6 / two:F2} | {two / one:F2}x |"));
                }
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return 0;
    }

    private static async Task<byte[][]> LoadAsync(DbHandle db, int count)
    {
        var random = new Random(1);
        var keys = new byte[count][];
        var value = new byte[100];
        for (var i = 0; i < count; i++)
        {
            keys[i] = new byte[16];
            random.NextBytes(keys[i]);
        }

        for (var start = 0; start < count; start += 1000)
        {
            var batch = new WriteBatch();
            for (var i = start; i < Math.Min(count, start + 1000); i++)
            {
                batch.Put(keys[i], value);
            }

            await db.WriteAsync(batch, WriteOptions.NoWait).ConfigureAwait(false);
        }

        await db.FlushAsync(FlushType.MemTable).ConfigureAwait(false);
        await using var scan = db.ScanAsync(KeyRange.All, new ScanOptions { CacheBlocks = true });
        while (await scan.MoveNextAsync().ConfigureAwait(false))
        {
        }

        return keys;
    }

    // Reads per second over all readers; each reader a thread of its own, as the runner's clients.
    private static async Task<double> MeasureAsync(DbHandle db, byte[][] keys, int readers, double seconds)
    {
        long total = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(seconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, readers).Select(r => Task.Factory.StartNew(
            async () =>
            {
                var value = new ArrayBufferWriter<byte>(256);
                var random = new Random(r + 10);
                long reads = 0;
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        value.ResetWrittenCount();
                        if (!await db.TryGetAsync(keys[random.Next(keys.Length)], value).ConfigureAwait(false))
                        {
                            throw new InvalidOperationException("a loaded key was not found");
                        }
                    }

                    reads += 1000;
                }

                Interlocked.Add(ref total, reads);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return total / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
