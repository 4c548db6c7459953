using OpenTelemetry;
using OpenTelemetry.Metrics;
using SlateFast.Samples.OpenTelemetry;

// Usage: dotnet run --project samples/OpenTelemetry [folder] — the database goes in a fresh temp
// folder (removed afterwards) unless a folder is given.
var folder = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(Path.GetTempPath(), $"slatefast-otel-{Guid.NewGuid():N}");
var temporary = args.Length == 0;
try
{
    using (var meters = Sdk.CreateMeterProviderBuilder()
        .AddSlateFastInstrumentation()
        .AddConsoleExporter()
        .Build())
    {
        // The periodic reader exports every 60 s by default; this run is shorter, so what is
        // printed is the export that disposing the provider makes, after the work.
        await Workload.RunAsync(folder, rows: 10_000);
    }
}
finally
{
    if (temporary && Directory.Exists(folder))
    {
        Directory.Delete(folder, recursive: true);
    }
}
