using System.Globalization;
using SlateFast.Compacting;

namespace SlateFast.Cli;

/// <summary>
/// <c>compact</c>: runs a compactor in this process against a database another process may be
/// writing. It claims the compactor epoch (fencing any other compactor, SlateDB's included), then
/// runs scheduler passes until the size-tiered rules propose nothing more ("caught up"), or with
/// <c>--full</c> merges every L0 SST and sorted run into one run. It never fences the writer.
/// </summary>
internal static class CompactCommands
{
    public static async Task<int> CompactAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("expected <db>");
        }

        var path = args.Positional[0].Trim('/');
        if (path.Length == 0)
        {
            throw new UsageException("the database path must not be empty");
        }

        var options = CliSettings.Load(args, context).ToDbOptions();
        if (args.Get("--max-sst-size") is { } text)
        {
            var maxSst = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1024 ? n : throw new UsageException($"--max-sst-size must be a number of bytes >= 1024, got '{text}'");
            options = options with { Compactor = options.Compactor with { MaxSstSize = maxSst } };
        }

        var store = Stores.Open(args.Get("--store"), context);
        await using var compactor = await Compactor.OpenAsync(store, path, options).ConfigureAwait(false);
        context.Out.WriteLine($"compactor epoch {compactor.Epoch} claimed for {path}");
        var count = args.Has("--full")
            ? (await compactor.CompactAllAsync().ConfigureAwait(false) ? 1 : 0)
            : await compactor.RunUntilCaughtUpAsync().ConfigureAwait(false);
        var (id, manifest) = compactor.Manifest;
        context.Out.WriteLine(
            $"{count} compaction(s), {compactor.BytesRead} bytes read, {compactor.BytesWritten} bytes written; manifest {id}: {manifest.L0.Length} L0 SST(s), sorted runs [{string.Join(", ", manifest.Compacted.Select(r => $"{r.Id}: {r.Ssts.Length} SST(s)"))}]");
        return 0;
    }
}
