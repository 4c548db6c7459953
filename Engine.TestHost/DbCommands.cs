using System.Globalization;
using System.Runtime.CompilerServices;
using SlateFast.ObjectStore;

namespace SlateFast.TestHost;

/// <summary>
/// Database roles for process tests: a writer to kill at random moments (<c>db-writer</c>) and a
/// writer held open and driven line by line, to be fenced by another process (<c>db-hold</c>).
/// </summary>
internal static class DbCommands
{
    // Mirrors slatedb-interop's hold-writer, so one parser reads both engines' answers.
    public const string Ready = "ready";

    private static readonly Stream s_stdout = Console.OpenStandardOutput();

    /// <summary>
    /// <c>db-writer &lt;root&gt; &lt;db&gt; &lt;durable|nodurable&gt; &lt;tasks&gt; &lt;seed&gt; [--l0 BYTES] [--maintenance]</c>:
    /// writes <see cref="CrashWorkload"/> from several tasks until killed. Durable: after each
    /// acknowledged op one <c>ack &lt;hexkey&gt; &lt;hexvalue&gt;</c> line per key. Not durable:
    /// <c>commit &lt;seq&gt; &lt;hexkey&gt; &lt;hexvalue&gt;</c> per key once the commit returned;
    /// the sequence number is the commit order (assigned in the same critical section that appends
    /// to the WAL), so the lines of several tasks may be printed out of order and still be ordered.
    /// <c>--maintenance</c> also runs the compactor and the garbage collector every few hundred
    /// milliseconds and creates a checkpoint after every 20 acknowledged ops, printing
    /// <c>checkpoint &lt;id&gt;</c> once its creation returned.
    /// </summary>
    public static async Task<int> WriterAsync(string[] args)
    {
        if (args.Length < 6 || args[3] is not ("durable" or "nodurable"))
        {
            Console.Error.WriteLine("usage: db-writer <root> <db> <durable|nodurable> <tasks> <seed> [--l0 BYTES] [--maintenance]");
            return 2;
        }

        var (root, path, durable) = (args[1], args[2], args[3] == "durable");
        var tasks = int.Parse(args[4], CultureInfo.InvariantCulture);
        var seed = int.Parse(args[5], CultureInfo.InvariantCulture);
        var l0 = new DbOptions().L0SstSizeBytes;
        var maintenance = false;
        for (var i = 6; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--l0": l0 = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--maintenance": maintenance = true; break;
                default: Console.Error.WriteLine($"db-writer: unknown option {args[i]}"); return 2;
            }
        }

        // Writer threads block on stdout when the parent reads slowly; the flushers must still run.
        ThreadPool.SetMinThreads(Math.Max(16, tasks * 2), 16);
        var options = new DbOptions
        {
            L0SstSizeBytes = l0,
            // Without maintenance no compactor runs: L0 must not fill up and stop the flushes under test.
            L0MaxSsts = maintenance ? 8 : 1024,
            FlushInterval = TimeSpan.FromMilliseconds(10),
            Seed = seed,
            Compactor = maintenance
                ? new CompactorOptions { PollInterval = TimeSpan.FromMilliseconds(100), MinCompactionSources = 2 }
                : new DbOptions().Compactor,
            GarbageCollector = maintenance ? QuickGarbageCollector() : new DbOptions().GarbageCollector,
        };
        Emit("opening\n");
        var db = await DbHandle.OpenAsync(path, Store(root), options);
        Emit($"{Ready} {db.LastSeq}\n");
        if (durable)
        {
            var acknowledged = new StrongBox<long>();
            await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(() => DurableLoopAsync(db, seed, t, maintenance ? acknowledged : null))));
        }
        else
        {
            var threads = Enumerable.Range(0, tasks).Select(t => new Thread(() => CommitLoop(db, seed, t)) { IsBackground = true }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        return 0;
    }

    // Every kind collected often, objects a second old may go: GC deletes inside the kill window.
    private static GarbageCollectorOptions QuickGarbageCollector()
    {
        var often = new GarbageCollectorDirectoryOptions { Interval = TimeSpan.FromMilliseconds(200), MinAge = TimeSpan.FromSeconds(1) };
        return new GarbageCollectorOptions { Manifest = often, Wal = often, Compacted = often, Compactions = often };
    }

    // A folder, or a store URL (s3://...: the crash tests on the S3 server).
    internal static IObjectStore Store(string root) => root.Contains("://", StringComparison.Ordinal) ? ObjectStores.FromUrl(root) : new LocalObjectStore(root);

    private static async Task DurableLoopAsync(DbHandle db, int seed, int task, StrongBox<long>? acknowledged)
    {
        for (long n = 0; ; n++)
        {
            var (batch, parts) = Op(seed, task, n);
            await db.WriteAsync(batch);
            Emit(Lines("ack", parts));
            if (acknowledged is not null && Interlocked.Increment(ref acknowledged.Value) % 20 == 0)
            {
                var checkpoint = await db.CreateCheckpointAsync();
                Emit($"checkpoint {checkpoint.Id}\n");
            }
        }
    }

    private static void CommitLoop(DbHandle db, int seed, int task)
    {
        for (long n = 0; ; n++)
        {
            var (batch, parts) = Op(seed, task, n);
            var write = db.WriteAsync(batch, WriteOptions.NoWait);
            var handle = write.IsCompletedSuccessfully ? write.Result : write.AsTask().GetAwaiter().GetResult();
            Emit(Lines($"commit {handle.Seq.ToString(CultureInfo.InvariantCulture)}", parts));
        }
    }

    // One write(2) per op of at most PIPE_BUF (4 KiB) bytes is atomic on a pipe: a SIGKILL never
    // leaves half a line or half an op's lines for the parent to misread. Console.Out may split a
    // long string into several writes.
    private static void Emit(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        lock (s_stdout)
        {
            s_stdout.Write(bytes);
            s_stdout.Flush();
        }
    }

    private static (WriteBatch Batch, List<(byte[] Key, byte[] Value)> Parts) Op(int seed, int task, long n)
    {
        var batch = new WriteBatch();
        var parts = new List<(byte[], byte[])>();
        for (var part = 0; part < CrashWorkload.PartsOf(seed, task, n); part++)
        {
            var key = CrashWorkload.Key(seed, task, n, part);
            var value = CrashWorkload.Value(key);
            batch.Put(key, value);
            parts.Add((key, value));
        }

        return (batch, parts);
    }

    private static string Lines(string prefix, List<(byte[] Key, byte[] Value)> parts)
    {
        var lines = new System.Text.StringBuilder();
        foreach (var (key, value) in parts)
        {
            lines.Append(prefix).Append(' ').Append(Convert.ToHexStringLower(key)).Append(' ').Append(Convert.ToHexStringLower(value)).Append('\n');
        }

        return lines.ToString();
    }

    /// <summary>
    /// <c>db-hold &lt;root&gt; &lt;db&gt; [--flush-interval-ms N]</c>: opens a writer, prints
    /// <c>ready</c>, then answers each stdin line with <c>ok</c> or
    /// <c>error &lt;Kind&gt;[:&lt;CloseReason&gt;] &lt;message&gt;</c>: <c>put &lt;hexkey&gt; &lt;hexval&gt;</c>
    /// (durable), <c>put-nowait &lt;hexkey&gt; &lt;hexval&gt;</c>, <c>flush-memtable</c>, <c>close</c>.
    /// Closes on stdin EOF.
    /// </summary>
    // Opens a database with a codec and makes one durable put; prints "stored", or "error <kind>"
    // and the message on the next line, so the parent can check a refusal without a stack trace.
    public static async Task<int> OpenCompressedAsync(string root, CompressionCodec codec)
    {
        try
        {
            var options = new DbOptions { Compression = codec, GarbageCollector = null };
            await using (var db = await DbHandle.OpenAsync("db", new ObjectStore.LocalObjectStore(root), options))
            {
                await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
                await db.FlushAsync(FlushType.MemTable); // an L0 SST as well as the WAL object
            }

            Console.WriteLine("stored");
            await using (var db = await DbHandle.OpenAsync("db", new ObjectStore.LocalObjectStore(root), options))
            {
                byte[]? value = await db.GetAsync("k"u8.ToArray());
                Console.WriteLine(value is null ? "missing after reopen" : $"read {System.Text.Encoding.UTF8.GetString(value)}");
            }

            string implementation = codec switch
            {
                CompressionCodec.Zstd => Format.ZstdCodec.Backend.Name,
                CompressionCodec.Lz4 => Format.Lz4Codec.Backend.Name,
                _ => "managed",
            };
            Console.WriteLine($"through {implementation}");
            return 0;
        }
        catch (SlateFastException e)
        {
            Console.WriteLine($"error {e.Kind}");
            Console.WriteLine(e.Message.ReplaceLineEndings(" "));
            return 1;
        }
    }

    public static async Task<int> HoldAsync(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: db-hold <root> <db> [--flush-interval-ms N]");
            return 2;
        }

        var interval = args.Length >= 5 && args[3] == "--flush-interval-ms" ? double.Parse(args[4], CultureInfo.InvariantCulture) : 100;
        var db = await DbHandle.OpenAsync(args[2], new LocalObjectStore(args[1]), new DbOptions { FlushInterval = TimeSpan.FromMilliseconds(interval) });
        Console.WriteLine(Ready);
        while (Console.ReadLine() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            try
            {
                switch (words)
                {
                    case ["put", var k, var v]:
                        await db.PutAsync(Convert.FromHexString(k), Convert.FromHexString(v));
                        break;
                    case ["put-nowait", var k, var v]:
                        await db.PutAsync(Convert.FromHexString(k), Convert.FromHexString(v), writeOptions: WriteOptions.NoWait);
                        break;
                    case ["flush-memtable"]:
                        await db.FlushAsync(FlushType.MemTable);
                        break;
                    case ["close"]:
                        await db.CloseAsync();
                        Console.WriteLine("ok");
                        return 0;
                    default:
                        Console.WriteLine($"error Usage unknown request: {line}");
                        continue;
                }

                Console.WriteLine("ok");
            }
            catch (SlateFastException e)
            {
                var kind = e.CloseReason == CloseReason.None ? $"{e.Kind}" : $"{e.Kind}:{e.CloseReason}";
                Console.WriteLine($"error {kind} {e.Message.ReplaceLineEndings(" ")}");
            }
        }

        await db.CloseAsync();
        return 0;
    }
}
