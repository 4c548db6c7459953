using System.Text;
using SlateFast.ObjectStore;

namespace SlateFast.Samples.OpenTelemetry;

/// <summary>
/// A small piece of work that moves every family of instruments: writes (WAL objects), a
/// memtable flush to L0 (SSTs in the object store), then reads served from that SST (block cache).
/// </summary>
public static class Workload
{
    /// <summary>Writes and reads <paramref name="rows"/> rows in a database under <paramref name="folder"/>, then closes it.</summary>
    public static async Task RunAsync(string folder, int rows, CancellationToken cancellationToken = default)
    {
        var options = new DbOptions { FlushInterval = TimeSpan.FromMilliseconds(10) };
        await using var db = await DbHandle.OpenAsync("telemetry-sample", ObjectStores.Local(folder), options, cancellationToken);
        for (var i = 0; i < rows; i++)
        {
            // Only every hundredth write waits to be durable: the rest ride in the same WAL objects.
            var wait = i % 100 == 99 ? WriteOptions.Default : WriteOptions.NoWait;
            await db.PutAsync(Key(i), Encoding.UTF8.GetBytes($"value-{i}"), writeOptions: wait, cancellationToken: cancellationToken);
        }

        // Into an L0 SST, so that the reads below go through the block cache and the store.
        await db.FlushAsync(FlushType.MemTable, cancellationToken);
        for (var i = 0; i < rows; i++)
        {
            _ = await db.GetAsync(Key(i), cancellationToken: cancellationToken) ?? throw new InvalidOperationException($"row {i} is missing");
        }
    }

    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"key-{i:D8}");
}
