using System.Globalization;
using System.Text;
using SlateFast.ObjectStore;

namespace SlateFast.TestHost;

/// <summary>
/// <c>db-compact &lt;root&gt; &lt;db&gt;</c>: a writer whose compactor runs all the time, to be
/// killed mid-compaction. One task applies <see cref="Op"/> 0, 1, 2, ... as durable writes and
/// prints <c>ack &lt;n&gt;</c> after each (flushing a memtable every 16 ops); another compacts everything
/// after each such flush, printing <c>compact start</c> / <c>compact done</c>.
/// </summary>
internal static class CompactionCommands
{
    private static readonly Stream s_stdout = Console.OpenStandardOutput();

    /// <summary>Op n: every fifth deletes the key of op n-3, the others put key n (the parent replays the same ops).</summary>
    public static (byte[] Key, byte[]? Value) Op(long n) =>
        n % 5 == 4 ? (Key(n - 3), null) : (Key(n), Value(n));

    public static byte[] Key(long n) => Encoding.UTF8.GetBytes($"key{n % 400:d4}");

    public static byte[] Value(long n) => Encoding.UTF8.GetBytes($"value-{n}-{new string('x', (int)(n % 97))}");

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: db-compact <root> <db>");
            return 2;
        }

        var options = new DbOptions
        {
            L0SstSizeBytes = 4096,
            FlushInterval = TimeSpan.FromMilliseconds(10),
            Compactor = new CompactorOptions { PollInterval = TimeSpan.FromMilliseconds(20), MaxSstSize = 4096, MinCompactionSources = 2 },
        };
        var db = await DbHandle.OpenAsync(args[2], new LocalObjectStore(args[1]), options);
        Emit("ready");
        var flushed = new SemaphoreSlim(0);
        var compactions = Task.Run(async () =>
        {
            while (true)
            {
                await flushed.WaitAsync();
                Emit("compact start");
                await db.CompactAsync();
                Emit("compact done");
            }
        });
        for (long n = 0; ; n++)
        {
            var (key, value) = Op(n);
            if (value is null)
            {
                await db.DeleteAsync(key);
            }
            else
            {
                await db.PutAsync(key, value);
            }

            Emit($"ack {n.ToString(CultureInfo.InvariantCulture)}");
            if (n % 16 == 15)
            {
                await db.FlushAsync(FlushType.MemTable);
                flushed.Release();
            }

            if (compactions.IsFaulted)
            {
                Console.Error.WriteLine(compactions.Exception);
                return 1;
            }
        }
    }

    private static void Emit(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (s_stdout)
        {
            s_stdout.Write(bytes);
            s_stdout.Flush();
        }
    }
}
