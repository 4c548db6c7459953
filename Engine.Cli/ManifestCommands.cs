using System.Globalization;

namespace SlateFast.Cli;

/// <summary>
/// <c>manifest list</c> and <c>manifest rollback</c>: the way back from a damaged manifest
/// (RFC 0017). <c>manifest dump --id N</c> (<see cref="AdminCommands"/>) shows one version in full.
/// </summary>
internal static class ManifestCommands
{
    public static async Task<int> ListAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var versions = await admin.ListManifestsAsync().ConfigureAwait(false);
        var damaged = versions.Count(v => !v.Decodes);

        // Exit 15 when the latest does not decode: the database cannot open, which scripts want to know.
        var exit = versions.Count > 0 && !versions[^1].Decodes ? ExitCodes.For(ErrorKind.Data) : ExitCodes.Success;
        if (args.Has("--json"))
        {
            context.Out.WriteLine(DbAdminJson.Manifests(versions, indented: true));
            return exit;
        }

        foreach (var v in versions)
        {
            var written = v.LastModified is { } t ? $" {t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" : string.Empty;
            context.Out.WriteLine(v.Decodes
                ? $"{v.Id} ok {v.SizeBytes} bytes{written}, writer epoch {v.WriterEpoch}, compactor epoch {v.CompactorEpoch}, replay after WAL {v.ReplayAfterWalId}, last L0 seq {v.LastL0Seq}, {v.L0Ssts} L0, {v.SortedRuns} sorted runs, {v.Checkpoints} checkpoints"
                : $"{v.Id} DAMAGED {v.SizeBytes} bytes{written}: {v.Error}");
        }

        context.Out.WriteLine($"{versions.Count} manifests, {damaged} do not decode");
        return exit;
    }

    public static async Task<int> RollbackAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var to = args.Get("--to") is { } text
            ? CliNumbers.U64(text, "--to", "a manifest id (1 or more)", min: 1)
            : throw new UsageException("--to N is required (see 'slatefast manifest list' for the ids)");
        var r = await admin.RollbackManifestAsync(to, args.Has("--discard-wal")).ConfigureAwait(false);
        context.Out.WriteLine($"wrote manifest {r.ManifestId} with the state of manifest {r.FromManifestId}: writer epoch {r.WriterEpoch}, compactor epoch {r.CompactorEpoch}, replay after WAL {r.ReplayAfterWalId}");
        if (r.WalFenceId is { } fence)
        {
            context.Out.WriteLine($"discarded the WAL after manifest {r.FromManifestId}; fenced at WAL {fence}");
        }

        foreach (var checkpoint in r.DroppedCheckpoints)
        {
            context.Out.WriteLine($"left out checkpoint {checkpoint:D}: the manifest it pins is gone or damaged");
        }

        return 0;
    }
}
