using BenchmarkDotNet.Running;

namespace SlateFast.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "durable")
        {
            return await Db.DurableLatency.RunAsync(args);
        }

        if (args.Length > 0 && args[0] == "readscale")
        {
            return await Db.ReadScaling.RunAsync(args);
        }

        if (args.Length > 0 && args[0] == "txn")
        {
            return await Transactions.TransactionContention.RunAsync(args);
        }

        if (args.Length > 0 && args[0] == "ingest")
        {
            return await Transactions.IngestVersusWrite.RunAsync(args);
        }

        if (args.Length > 0 && args[0] == "compare")
        {
            return await Compare.CompareCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "compare-run")
        {
            return await Compare.CompareCommand.RunOneAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "codecs")
        {
            return Format.CodecComparison.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "perf-regression")
        {
            return Regression.PerfRegression.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
