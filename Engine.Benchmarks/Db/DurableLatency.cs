using System.Diagnostics;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Benchmarks.Db;

/// <summary>
/// Durable put latency on the local store with 1 and 64 concurrent writers, and the WAL objects
/// written per second: latency percentiles need every sample, which BenchmarkDotNet does not
/// report, so this is a plain timed loop (run: <c>Engine.Benchmarks durable [--seconds N]</c>).
/// </summary>
internal static class DurableLatency
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 2 && args[1] == "--seconds" ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
        Console.WriteLine($"durable puts on the local store, 16-byte keys, 100-byte values, {seconds} s per case, {Environment.ProcessorCount} cores");
        Console.WriteLine("| writers | puts/s | p50 | p99 | p99.9 | WAL objects/s | puts per WAL object |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var gathers = Environment.GetEnvironmentVariable("SLATEFAST_BENCH_GATHER") is { } g
            ? g.Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : [new DbOptions().WalGatherFraction];
        await RunStoreFloor(TimeSpan.FromSeconds(seconds));
        foreach (var writers in new[] { 1, 16, 64 })
        {
            foreach (var flushOnWaiters in new[] { true, false })
            {
                if (!flushOnWaiters && writers != 1)
                {
                    continue;
                }

                foreach (var gather in gathers)
                {
                    await RunCase(writers, TimeSpan.FromSeconds(seconds), flushOnWaiters, gather);
                }
            }
        }

        return 0;
    }

    // The floor under one durable writer: the store's create-if-absent of a WAL-sized object,
    // back to back, without a database.
    private static async Task RunStoreFloor(TimeSpan duration)
    {
        var root = Path.Combine(Path.GetTempPath(), $"slatefast-durable-{Guid.NewGuid():N}");
        try
        {
            var store = new LocalObjectStore(root);
            var data = new byte[300];
            var samples = new List<double>(100_000);
            var stop = Stopwatch.StartNew();
            for (var i = 1UL; stop.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await store.PutIfAbsentAsync(DbPaths.WalSstPath("floor", i), data);
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            samples.Sort();
            double P(double q) => samples[Math.Min(samples.Count - 1, (int)(q * samples.Count))];
            Console.WriteLine($"| store floor: create-if-absent of a 300 B object, no database | {samples.Count / stop.Elapsed.TotalSeconds:F0} | {P(0.5):F2} ms | {P(0.99):F2} ms | {P(0.999):F2} ms | {samples.Count / stop.Elapsed.TotalSeconds:F0} | – |");
        }
        finally
        {
            try
            {
                Directory.Delete(root, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task RunCase(int writers, TimeSpan duration, bool flushOnWaiters, double gather)
    {
        var root = Path.Combine(Path.GetTempPath(), $"slatefast-durable-{Guid.NewGuid():N}");
        try
        {
            var store = new LocalObjectStore(root);
            await using var db = await DbHandle.OpenAsync("bench", store, new DbOptions { FlushOnDurableWaiters = flushOnWaiters, WalGatherFraction = gather });
            var walBefore = (await store.ListAllAsync("bench/wal/")).Count;
            var samples = new List<double>[writers];
            var value = new byte[100];
            var stop = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var mine = samples[w] = new List<double>(100_000);
                var key = new byte[16];
                BitConverter.TryWriteBytes(key, w);
                for (var i = 0L; stop.Elapsed < duration; i++)
                {
                    BitConverter.TryWriteBytes(key.AsSpan(8), i);
                    var started = Stopwatch.GetTimestamp();
                    await db.PutAsync(key, value);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })));
            var elapsed = stop.Elapsed.TotalSeconds;
            var wal = (await store.ListAllAsync("bench/wal/")).Count - walBefore;
            var all = samples.SelectMany(s => s).Order().ToArray();
            double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
            var label = (flushOnWaiters ? $"{writers}" : $"{writers} (FlushOnDurableWaiters=false, SlateDB's behaviour)") + $", gather {gather}";
            Console.WriteLine($"| {label} | {all.Length / elapsed:F0} | {P(0.5):F2} ms | {P(0.99):F2} ms | {P(0.999):F2} ms | {wal / elapsed:F0} | {(double)all.Length / Math.Max(1, wal):F1} |");
        }
        finally
        {
            try
            {
                Directory.Delete(root, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
