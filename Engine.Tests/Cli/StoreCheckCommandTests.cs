using SlateFast.Cli;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

public sealed class StoreCheckCommandTests
{

    [Fact]
    public async Task Help_lists_every_command()
    {
        var (exit, output, _) = await SlateFastCli.RunAsync(Path.GetTempPath(), "--help");
        Assert.Equal(0, exit);
        foreach (var command in CommandLine.Commands)
        {
            Assert.Contains(command.Name, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Store_check_passes_on_the_local_default_store_and_cleans_up()
    {
        using var folder = new TempFolder("cli-check");
        var (exit, output, _) = await SlateFastCli.RunAsync(folder.Path, "store", "check");

        Assert.Equal(0, exit);
        Assert.Contains("all 7 checks passed", output, StringComparison.Ordinal);
        Assert.Contains("atomic create-if-absent", output, StringComparison.Ordinal);
        Assert.Empty(await new LocalObjectStore(folder.Path).ListAllAsync(string.Empty));
    }

    [Fact]
    public async Task Store_check_fails_on_a_store_without_atomic_create()
    {
        var results = await StoreCapabilityCheck.RunAsync(new NonAtomicStore(new InMemoryObjectStore()));

        var create = Assert.Single(results, r => r.Name == "atomic create-if-absent");
        Assert.False(create.Passed);
        Assert.All(results.Where(r => r.Name != "atomic create-if-absent"), r => Assert.True(r.Passed, r.Name));
    }

    [Fact]
    public async Task An_unknown_command_or_option_is_a_usage_error()
    {
        Assert.Equal(2, (await SlateFastCli.RunAsync(Path.GetTempPath(), "frobnicate")).Exit);
        var (exit, _, err) = await SlateFastCli.RunAsync(Path.GetTempPath(), "store", "check", "--colour", "blue");
        Assert.Equal(2, exit);
        Assert.Contains("unknown option --colour", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_store_url_is_reported_as_invalid()
    {
        var (exit, _, err) = await SlateFastCli.RunAsync(Path.GetTempPath(), "store", "check", "--store", "ftp://nope");
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), exit);
        Assert.Contains("Invalid", err, StringComparison.Ordinal);
        Assert.Contains("ftp", err, StringComparison.Ordinal);
    }

    /// <summary>A store whose create-if-absent overwrites: what a naive store without conditional writes does.</summary>
    private sealed class NonAtomicStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
            call(cancellationToken);

        public override async ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            var meta = await Inner.PutAsync(path, data, cancellationToken);
            return new PutResult(PutOutcome.Stored, meta.ETag);
        }
    }
}
