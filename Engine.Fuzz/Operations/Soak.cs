using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using SlateFast.Memory;
using SlateFast.ObjectStore;

namespace SlateFast.Fuzz.Operations;

/// <summary>
/// The soak: writers, readers and the garbage collector on one database for a number of minutes,
/// with a check of sampled keys against what the writers had acknowledged, a report of
/// throughput, memory, objects and stalls every interval, and a full check after a reopen at the
/// end. Exit code 1 on any mismatch or failure.
/// </summary>
/// <remarks>
/// Each writer owns its keys and writes increasing versions to them, so a reader can check a key
/// without locking: the version it reads must lie between the version acknowledged before the
/// read started and the newest one issued when it ended.
/// </remarks>
internal static class Soak
{
    public const string Usage =
        """
        usage: Engine.Fuzz --soak [--minutes N] [--store URL] [--writers N] [--readers N] [--report-seconds N]
                                  [--no-gc] [--no-compaction]
          --store        an object store URL (file:///path, s3://bucket/prefix?endpoint=...); default a
                         new folder under the temp folder on the local store, deleted afterwards
          --no-gc, --no-compaction   turn off the in-process garbage collector or compactor (both on by default)
        """;

    private const int KeysPerWriter = 20_000;

    public static int Run(string[] args)
    {
        double minutes = 1, reportSeconds = 10;
        int writers = 2, readers = 2;
        string? url = null;
        var gc = true;
        var compaction = true;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--minutes": minutes = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--store": url = Value(); break;
                    case "--writers": writers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--readers": readers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--report-seconds": reportSeconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--no-gc": gc = false; break;
                    case "--no-compaction": compaction = false; break;
                    case "--help" or "-h": Console.WriteLine(Usage); return 0;
                    default: throw new FormatException($"unknown argument '{args[i]}'");
                }
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }
        }

        string? temp = null;
        if (url is null)
        {
            temp = Path.Combine(Path.GetTempPath(), $"slatefast-soak-{Guid.NewGuid():N}");
            url = new Uri(temp).AbsoluteUri;
        }

        try
        {
            var store = ObjectStores.FromUrl(url);
            if (store is ObjectStore.S3ObjectStore s3)
            {
                // A throwaway server (scripts/rgw) starts without buckets.
                s3.EnsureBucketAsync().GetAwaiter().GetResult();
            }

            Console.WriteLine($"soak: {minutes} min on {store}, {writers} writers, {readers} readers, gc {(gc ? "on" : "off")}, compactor {(compaction ? "on" : "off")}");
            var ok = RunAsync(store, TimeSpan.FromMinutes(minutes), writers, readers, gc, compaction, TimeSpan.FromSeconds(reportSeconds), Console.Out).GetAwaiter().GetResult();
            (store as IDisposable)?.Dispose();
            return ok ? 0 : 1;
        }
        finally
        {
            if (temp is not null && Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    private sealed class Writer(int id)
    {
        // Per key: the version acknowledged last, and the newest version issued.
        public readonly int[] Acked = new int[KeysPerWriter];
        public readonly int[] Issued = new int[KeysPerWriter];

        public int Id => id;

        public static byte[] Key(int writer, int k) => Encoding.ASCII.GetBytes($"w{writer:d2}-{k:d6}");

        public static byte[] Value(int writer, int k, int version, int padding)
        {
            var head = $"w{writer:d2}-{k:d6}-v{version:d9}|";
            var bytes = new byte[head.Length + padding];
            Encoding.ASCII.GetBytes(head, bytes);
            for (var i = head.Length; i < bytes.Length; i++)
            {
                bytes[i] = (byte)('a' + ((version + i) % 26));
            }

            return bytes;
        }

        public static int VersionOf(byte[] value) =>
            int.Parse(Encoding.ASCII.GetString(value, 12, 9), CultureInfo.InvariantCulture);

        public const int HeadLength = 22;
    }

    // Open file descriptors of this process (Linux), or -1.
    private static int OpenFiles()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    public static async Task<bool> RunAsync(IObjectStore store, TimeSpan duration, int writerCount, int readerCount, bool gc, bool compaction, TimeSpan report, TextWriter log)
    {
        var options = new DbOptions
        {
            L0SstSizeBytes = 1024 * 1024,
            MaxUnflushedBytes = 16 * 1024 * 1024,
            L0MaxSsts = 1_000_000,
            GarbageCollector = gc ? GarbageCollectorOptions.All(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)) : null,
            Compactor = new() { Enabled = compaction },
            BlockCache = new Cache.BlockCacheOptions { DataCapacityBytes = 32 * 1024 * 1024, MetaCapacityBytes = 8 * 1024 * 1024 },
        };
        var db = await DbHandle.OpenAsync("soak", store, options).ConfigureAwait(false);
        var writers = Enumerable.Range(0, writerCount).Select(i => new Writer(i)).ToArray();
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(duration);
        long writes = 0, reads = 0, checks = 0;
        long maxWriteTicks = 0, stalls = 0;
        long peakManaged = 0, peakNative = 0, peakFds = 0, peakObjects = 0;

        async Task WriteLoop(Writer w)
        {
            var random = new Random(w.Id);
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var k = random.Next(KeysPerWriter);
                var version = w.Issued[k] + 1;
                Volatile.Write(ref w.Issued[k], version);
                var durable = ++n % 64 == 0;
                if (n % 32 == 0)
                {
                    // Writes that need not wait complete synchronously; let readers and flushers run.
                    await Task.Yield();
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    await db.PutAsync(Writer.Key(w.Id, k), Writer.Value(w.Id, k, version, random.Next(16, 400)), writeOptions: durable ? WriteOptions.Default : WriteOptions.NoWait).ConfigureAwait(false);
                }
                catch (SlateFastException e)
                {
                    errors.Enqueue($"writer {w.Id}: {e.Kind}: {e.Message}");
                    return;
                }

                var took = Stopwatch.GetTimestamp() - started;
                Atomic.Max(ref maxWriteTicks, took);
                if (took > Stopwatch.Frequency)
                {
                    Interlocked.Increment(ref stalls);
                }

                Volatile.Write(ref w.Acked[k], version);
                Interlocked.Increment(ref writes);
            }
        }

        async Task ReadLoop(int id)
        {
            var random = new Random(1000 + id);
            while (!stop.IsCancellationRequested)
            {
                var w = writers[random.Next(writers.Length)];
                var k = random.Next(KeysPerWriter);
                var low = Volatile.Read(ref w.Acked[k]);
                byte[]? value;
                try
                {
                    value = await db.GetAsync(Writer.Key(w.Id, k)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SlateFastException or FormatException)
                {
                    errors.Enqueue($"reader {id}: {e.GetType().Name}: {e.Message}");
                    return;
                }

                var high = Volatile.Read(ref w.Issued[k]);
                var got = value is null ? 0 : value.Length >= Writer.HeadLength ? Writer.VersionOf(value) : -1;
                if (got < low || got > high || (value is not null && !value.AsSpan().SequenceEqual(Writer.Value(w.Id, k, got, value.Length - Writer.HeadLength))))
                {
                    errors.Enqueue($"reader {id}: key {Encoding.ASCII.GetString(Writer.Key(w.Id, k))} read version {got}, acknowledged {low}, issued {high}");
                }

                Interlocked.Increment(ref reads);
                Interlocked.Increment(ref checks);
            }
        }

        var tasks = writers.Select(w => Task.Run(() => WriteLoop(w))).Concat(Enumerable.Range(0, readerCount).Select(i => Task.Run(() => ReadLoop(i)))).ToList();
        var clock = Stopwatch.StartNew();
        long lastWrites = 0, lastReads = 0;
        var lastTime = TimeSpan.Zero;
        log.WriteLine("soak:   time  writes/s   reads/s  managed MB  native MB  objects  open fds  max write ms  stalls>1s  gc passes  errors");
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(report, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            var now = clock.Elapsed;
            var managed = GC.GetTotalMemory(false);
            var native = NativeMemoryTracker.Bytes;
            peakManaged = Math.Max(peakManaged, managed);
            peakNative = Math.Max(peakNative, native);
            var objects = 0;
            await foreach (var _ in store.ListAsync("soak/").ConfigureAwait(false))
            {
                objects++;
            }

            var fds = OpenFiles();
            peakFds = Math.Max(peakFds, fds);
            peakObjects = Math.Max(peakObjects, objects);
            var w = Interlocked.Read(ref writes);
            var r = Interlocked.Read(ref reads);
            var seconds = (now - lastTime).TotalSeconds;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak: {now.TotalSeconds,5:F0}s {(w - lastWrites) / seconds,9:F0} {(r - lastReads) / seconds,9:F0} {managed / 1048576.0,11:F1} {native / 1048576.0,10:F1} {objects,8} {fds,9} {Interlocked.Exchange(ref maxWriteTicks, 0) * 1000.0 / Stopwatch.Frequency,13:F1} {Interlocked.Read(ref stalls),10} {db.GarbageCollector?.Passes ?? 0,10} {errors.Count,7}"));
            (lastWrites, lastReads, lastTime) = (w, r, now);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        await db.CloseAsync().ConfigureAwait(false);

        // Everything acknowledged (and, after a clean close, everything written) must be there.
        long verified = 0;
        await using (var reopened = await DbHandle.OpenAsync("soak", store, options with { GarbageCollector = null }).ConfigureAwait(false))
        {
            foreach (var w in writers)
            {
                for (var k = 0; k < KeysPerWriter; k++)
                {
                    var want = w.Acked[k];
                    var value = await reopened.GetAsync(Writer.Key(w.Id, k)).ConfigureAwait(false);
                    var got = value is null ? 0 : Writer.VersionOf(value);
                    if (got != want)
                    {
                        errors.Enqueue($"after reopen: key {Encoding.ASCII.GetString(Writer.Key(w.Id, k))} has version {got}, acknowledged {want}");
                    }

                    verified++;
                }
            }
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {clock.Elapsed.TotalMinutes:F1} min, {writes} writes, {reads} reads ({checks} checked against acknowledged versions), {verified} keys verified after reopen, peak managed {peakManaged / 1048576.0:F1} MB, peak native {peakNative / 1048576.0:F1} MB, peak objects {peakObjects}, peak open fds {peakFds}, stalls>1s {stalls}, {errors.Count} errors"));
        foreach (var e in errors.Take(20))
        {
            log.WriteLine($"soak: ERROR {e}");
        }

        return errors.IsEmpty;
    }
}
