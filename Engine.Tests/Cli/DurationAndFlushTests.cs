using System.Text.Json;
using SlateFast.Cli;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>
/// Durations on the command line carry units (a bare number once meant days), and a CLI write
/// leaves its database cheap to read: its rows are in L0, not only in the WAL every later
/// command would replay.
/// </summary>
public sealed class DurationAndFlushTests
{

    [Theory]
    [InlineData("100ms", 0.1)]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("2h", 7200)]
    [InlineData("7d", 604800)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    [InlineData("0s", 0)]
    public void Durations_take_a_unit_and_may_combine_several(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SlateFast.Cli.Durations.Parse(text, "--x"));

    [Theory]
    [InlineData("60")]
    [InlineData("10")]
    [InlineData("1.5")]
    public void A_bare_number_is_refused_with_a_message_asking_for_a_unit(string text)
    {
        var error = Assert.Throws<UsageException>(() => SlateFast.Cli.Durations.Parse(text, "--min-age"));
        Assert.Contains("needs a unit", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{text}s", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("10sm")]
    [InlineData("-5s")]
    [InlineData("01:00:00")]
    public void Anything_else_is_refused(string text) =>
        Assert.Throws<UsageException>(() => SlateFast.Cli.Durations.Parse(text, "--lifetime"));

    [Fact]
    public async Task Gc_and_checkpoint_refuse_bare_numbers_with_usage_exit_code_2()
    {
        using var folder = new TempFolder("cli-durations");
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "put", "db", "k", "v", "--create")).Exit);

        var (gcExit, _, gcError) = await SlateFastCli.RunAsync(folder.Path, "gc", "db", "--min-age", "60");
        var (cpExit, _, cpError) = await SlateFastCli.RunAsync(folder.Path, "checkpoint", "create", "db", "--lifetime", "10");

        Assert.Equal(2, gcExit);
        Assert.Contains("--min-age needs a unit", gcError, StringComparison.Ordinal);
        Assert.Equal(2, cpExit);
        Assert.Contains("--lifetime needs a unit", cpError, StringComparison.Ordinal);
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "checkpoint", "create", "db", "--lifetime", "10m")).Exit);
    }

    [Fact]
    public async Task Each_write_command_leaves_its_rows_in_L0_so_the_next_open_replays_no_WAL()
    {
        using var folder = new TempFolder("cli-flush");
        var input = Path.Combine(folder.Path, "rows.jsonl");
        await File.WriteAllTextAsync(input, "{\"key\":\"6b31\",\"value\":\"7631\"}\n{\"key\":\"6b32\",\"delete\":true}\n");

        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "put", "db", "a", "1", "--create")).Exit);
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "delete", "db", "b")).Exit);
        Assert.Equal(2, (await SlateFastCli.RunAsync(folder.Path, "load", "db", input, "--input", input)).Exit);
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "load", "db", input)).Exit);

        var (exit, output, _) = await SlateFastCli.RunAsync(folder.Path, "manifest", "dump", "db");
        Assert.Equal(0, exit);
        using var manifest = JsonDocument.Parse(output);
        var root = manifest.RootElement;
        var l0 = root.GetProperty("l0").GetArrayLength() + root.GetProperty("sorted_runs").GetArrayLength();
        Assert.True(l0 >= 1, output);
        // put, delete, and the load's one batch: three commits, all in L0, none left to replay.
        Assert.Equal(3UL, root.GetProperty("last_l0_seq").GetUInt64());
        Assert.Equal(root.GetProperty("wal_id_last_seen").GetUInt64(), root.GetProperty("replay_after_wal_id").GetUInt64());
    }
}
