namespace SlateFast.TestHost;

/// <summary>
/// <c>ingest-loop &lt;root&gt; &lt;db&gt; &lt;count&gt;</c>: ingests <c>in/0.sst</c>, <c>in/1.sst</c>, ...
/// one after another, printing <c>ingested &lt;n&gt; &lt;seq&gt;</c> once each returns, for tests
/// that kill the process (SIGKILL) in the middle of an ingestion.
/// </summary>
internal static class IngestCommands
{
    public static async Task<int> LoopAsync(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: ingest-loop <root> <db> <count>");
            return 2;
        }

        var store = new ObjectStore.LocalObjectStore(args[1]);
        await using var db = await DbHandle.OpenAsync(args[2], store, new DbOptions { GarbageCollector = null });
        Console.WriteLine("ready");
        Console.Out.Flush();
        for (var n = 0; n < int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture); n++)
        {
            var result = await db.IngestAsync([$"in/{n}.sst"]);
            Console.WriteLine($"ingested {n} {result.Seq}");
            Console.Out.Flush();
        }

        return 0;
    }
}
