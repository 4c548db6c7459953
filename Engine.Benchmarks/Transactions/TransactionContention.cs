using System.Diagnostics;
using System.Globalization;
using SlateFast.Cli.Bench;
using SlateFast.ObjectStore;

namespace SlateFast.Benchmarks.Transactions;

/// <summary>
/// Transaction commit throughput and conflict rate under contention: N concurrent workers each
/// run transactions of 10 operations (5 reads, 5 writes) on Zipf-distributed keys, committing
/// without waiting for durability; a conflict is retried as a new transaction. Run:
/// <c>Engine.Benchmarks txn [--seconds N] [--keys N]</c>.
/// </summary>
internal static class TransactionContention
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 10.0);
        var keys = (long)Option(args, "--keys", 100_000.0);
        Console.WriteLine($"transactions of 10 operations (5 gets, 5 puts), Zipf(0.99) over {keys} keys, non-durable commits, {seconds} s per case, {Environment.ProcessorCount} cores");
        Console.WriteLine("| isolation | workers | commits/s | conflicts per commit attempt | p50 commit | p99 commit |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var isolation in new[] { IsolationLevel.Snapshot, IsolationLevel.SerializableSnapshot })
        {
            foreach (var workers in new[] { 1, 64 })
            {
                await RunCase(isolation, workers, keys, TimeSpan.FromSeconds(seconds));
            }
        }

        return 0;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static async Task RunCase(IsolationLevel isolation, int workers, long keyCount, TimeSpan duration)
    {
        var root = Path.Combine(Path.GetTempPath(), $"slatefast-txn-{Guid.NewGuid():N}");
        try
        {
            await using var db = await DbHandle.OpenAsync("db", new LocalObjectStore(root), new DbOptions { GarbageCollector = null });
            var value = new byte[100];
            var zipf = new ZipfGenerator(keyCount, 0.99);
            long commits = 0, conflicts = 0;
            var histogram = new LatencyHistogram();
            var stop = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                var local = new LatencyHistogram();
                var key = new byte[16];
                while (stop.Elapsed < duration)
                {
                    await using var tx = db.BeginTransaction(isolation);
                    for (var op = 0; op < 10; op++)
                    {
                        BitConverter.TryWriteBytes(key, zipf.Next(random.NextDouble()));
                        if (op % 2 == 0)
                        {
                            await tx.GetAsync(key);
                        }
                        else
                        {
                            tx.Put(key, value);
                        }

                        // Reads from memtables complete synchronously: without a yield each
                        // transaction would run start to commit alone and never contend.
                        if (workers > 1 && op == 4)
                        {
                            await Task.Yield();
                        }
                    }

                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await tx.CommitAsync(WriteOptions.NoWait);
                        Interlocked.Increment(ref commits);
                        local.RecordTicks(Stopwatch.GetTimestamp() - started);
                    }
                    catch (SlateFastException e) when (e.Kind == ErrorKind.Transaction)
                    {
                        Interlocked.Increment(ref conflicts);
                    }

                }

                lock (histogram)
                {
                    histogram.Add(local);
                }
            })));

            var elapsed = stop.Elapsed.TotalSeconds;
            var attempts = commits + conflicts;
            Console.WriteLine($"| {isolation} | {workers} | {commits / elapsed:N0} | {(attempts == 0 ? 0 : (double)conflicts / attempts):P1} | {histogram.Percentile(0.5) / 1000.0:N1} µs | {histogram.Percentile(0.99) / 1000.0:N1} µs |");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
