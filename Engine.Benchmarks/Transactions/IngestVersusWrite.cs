using System.Diagnostics;
using System.Globalization;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Benchmarks.Transactions;

/// <summary>
/// Loading a sorted data set: SstWriter files ingested with <see cref="DbHandle.IngestAsync"/>
/// against the same rows through <see cref="DbHandle.WriteAsync"/> batches followed by a memtable
/// flush (both end with the data durable in L0). 16-byte keys, 100-byte values. Run:
/// <c>Engine.Benchmarks ingest [--mb N]</c> (default 1024).
/// </summary>
internal static class IngestVersusWrite
{
    private const int ValueSize = 100;
    private const int RowsPerFile = 1_000_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--mb");
        var megabytes = i >= 0 ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : 1024;
        var rows = (long)(megabytes * 1024 * 1024 / (16 + ValueSize));
        Console.WriteLine($"loading {rows:N0} sorted rows ({megabytes:N0} MiB of keys and values) on the local store, {Environment.ProcessorCount} cores");
        var root = Path.Combine(Path.GetTempPath(), $"slatefast-ingest-{Guid.NewGuid():N}");
        try
        {
            var store = new LocalObjectStore(root);
            var files = new List<string>();
            var sw = Stopwatch.StartNew();
            for (long start = 0; start < rows; start += RowsPerFile)
            {
                var path = $"in/{files.Count:d4}.sst";
                await using var writer = await SstWriter.CreateAsync(store, path);
                for (var r = start; r < Math.Min(rows, start + RowsPerFile); r++)
                {
                    await writer.PutAsync(Key(r), Value(r));
                }

                await writer.CloseAsync();
                files.Add(path);
            }

            var writeFiles = sw.Elapsed;
            var options = new DbOptions { GarbageCollector = null, L0MaxSsts = 10_000 };
            sw.Restart();
            await using (var db = await DbHandle.OpenAsync("ingested", store, options))
            {
                var result = await db.IngestAsync(files);
                Console.WriteLine($"ingest: {result.Rows:N0} rows, {result.Bytes / 1048576.0:N0} MiB written");
            }

            var ingest = sw.Elapsed;
            sw.Restart();
            await using (var db = await DbHandle.OpenAsync("written", store, options))
            {
                var batch = new WriteBatch();
                for (long r = 0; r < rows; r++)
                {
                    batch.Put(Key(r), Value(r));
                    if (batch.Count == 1000)
                    {
                        await db.WriteAsync(batch, WriteOptions.NoWait);
                        batch = new WriteBatch();
                    }
                }

                if (batch.Count > 0)
                {
                    await db.WriteAsync(batch, WriteOptions.NoWait);
                }

                await db.FlushAsync(FlushType.MemTable);
            }

            var write = sw.Elapsed;
            Console.WriteLine("| method | time | rows/s | MiB/s |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine($"| SstWriter files (before ingesting) | {writeFiles.TotalSeconds:N1} s | {rows / writeFiles.TotalSeconds:N0} | {megabytes / writeFiles.TotalSeconds:N0} |");
            Console.WriteLine($"| IngestAsync | {ingest.TotalSeconds:N1} s | {rows / ingest.TotalSeconds:N0} | {megabytes / ingest.TotalSeconds:N0} |");
            Console.WriteLine($"| WriteAsync batches of 1000 + flush | {write.TotalSeconds:N1} s | {rows / write.TotalSeconds:N0} | {megabytes / write.TotalSeconds:N0} |");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static byte[] Key(long r)
    {
        var key = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(8), r);
        return key;
    }

    private static byte[] Value(long r)
    {
        var value = new byte[ValueSize];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(value, r);
        return value;
    }
}
