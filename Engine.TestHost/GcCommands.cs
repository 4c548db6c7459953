namespace SlateFast.TestHost;

/// <summary>
/// <c>gc-loop &lt;root&gt; &lt;db&gt;</c>: garbage collection passes with no minimum age, forever, for
/// tests that kill the collector (SIGKILL) in the middle of its deletes. Prints <c>ready</c>
/// before the first pass and <c>pass &lt;n&gt; &lt;objects&gt;</c> after each.
/// </summary>
internal static class GcCommands
{
    public static async Task<int> LoopAsync(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: gc-loop <root> <db>");
            return 2;
        }

        var admin = new DbAdmin(args[2], new ObjectStore.LocalObjectStore(args[1]));
        Console.WriteLine("ready");
        Console.Out.Flush();
        for (var n = 0; ; n++)
        {
            var result = await admin.CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.Zero));
            Console.WriteLine($"pass {n} {result.ObjectCount}");
            Console.Out.Flush();
        }
    }
}
