using SlateFast.Cli;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Compacting;

public sealed class CompactCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-compact");

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(params string[] args) => SlateFastCli.RunAsync(_folder.Path, args);

    [Fact]
    public async Task Compact_runs_until_caught_up_and_full_merges_everything_into_one_run()
    {
        var store = new LocalObjectStore(_folder.Path);
        await CompactorProtocolTests.WriteL0sAsync(store, 5);

        var (exit, output, err) = await Run("compact", "db");
        Assert.True(exit == 0, err);
        Assert.Contains("1 compaction(s)", output, StringComparison.Ordinal);
        var manifest = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.State;
        Assert.Empty(manifest.L0);
        Assert.Single(manifest.Compacted);

        await CompactorProtocolTests.WriteL0sAsync(store, 2, "m");
        (exit, output, err) = await Run("compact", "db", "--full");
        Assert.True(exit == 0, err);
        Assert.Contains("epoch 2", output, StringComparison.Ordinal);
        manifest = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.State;
        Assert.Empty(manifest.L0);
        Assert.Single(manifest.Compacted);

        await using var reader = await DbHandle.OpenReadOnlyAsync("db", store);
        Assert.Equal(7, (await CompactionDbTests.ScanAll(reader)).Count);
    }

    [Fact]
    public async Task Compact_of_a_missing_database_fails_without_creating_one()
    {
        var (exit, _, err) = await Run("compact", "nothing");
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), exit);
        Assert.Contains("no database", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "nothing")));
    }
}
