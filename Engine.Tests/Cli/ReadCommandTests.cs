using System.Text.Json;
using SlateFast.Cli;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

public sealed class ReadCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-read");

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(params string[] args) => SlateFastCli.RunAsync(_folder.Path, args);

    private async Task<DbHandle> Writer() =>
        await DbHandle.OpenAsync("db", new LocalObjectStore(_folder.Path), new DbOptions { L0SstSizeBytes = 4096, L0MaxSsts = 1000 });

    [Fact]
    public async Task Get_prints_the_value_and_exits_1_for_a_missing_key()
    {
        await using (var db = await Writer())
        {
            await db.PutAsync("apple"u8.ToArray(), "red"u8.ToArray());
        }

        var (exit, output, _) = await Run("get", "db", "apple");
        var (missingExit, _, missing) = await Run("get", "db", "pear");
        var (hexExit, hexOut, _) = await Run("get", "db", "6170706c65", "--hex");

        Assert.Equal((0, "red"), (exit, output.Trim()));
        Assert.Equal(1, missingExit);
        Assert.Contains("not found", missing, StringComparison.Ordinal);
        Assert.Equal((0, "726564"), (hexExit, hexOut.Trim()));
    }

    [Fact]
    public async Task Scan_prints_rows_in_order_with_bounds_prefix_reverse_limit_and_jsonl()
    {
        await using (var db = await Writer())
        {
            for (var i = 0; i < 300; i++)
            {
                await db.PutAsync(System.Text.Encoding.ASCII.GetBytes($"k{i:d3}"), new byte[40], writeOptions: WriteOptions.NoWait);
            }

            await db.FlushAsync(FlushType.MemTable);
            await db.DeleteAsync("k005"u8.ToArray());
            await db.PutAsync("k006"u8.ToArray(), "six"u8.ToArray());
        }

        var (exit, jsonl, _) = await Run("scan", "db", "--format", "jsonl");
        var rows = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(0, exit);
        Assert.Equal(299, rows.Count);
        Assert.Equal(Convert.ToHexString("k006"u8).ToLowerInvariant(), rows[5].GetProperty("key").GetString());
        Assert.Equal(Convert.ToHexString("six"u8).ToLowerInvariant(), rows[5].GetProperty("value").GetString());

        var (_, ranged, _) = await Run("scan", "db", "--from", "k010", "--to", "k013");
        Assert.Equal(["k010", "k011", "k012"], ranged.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(" = ")[0]));
        var (_, reversed, _) = await Run("scan", "db", "--prefix", "k29", "--reverse", "--limit", "2");
        Assert.Equal(["k299", "k298"], reversed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(" = ")[0]));
    }

    [Fact]
    public async Task Reading_with_the_cli_never_fences_a_running_writer()
    {
        await using var db = await Writer();
        await db.PutAsync("a"u8.ToArray(), "1"u8.ToArray());

        Assert.Equal(0, (await Run("get", "db", "a")).Exit);
        Assert.Equal(0, (await Run("scan", "db")).Exit);

        await db.PutAsync("b"u8.ToArray(), "2"u8.ToArray());
        Assert.Equal(CloseReason.None, db.CloseReason);
        Assert.Equal("2"u8.ToArray(), await db.GetAsync("b"u8.ToArray()));
    }

    [Fact]
    public async Task Reading_a_missing_database_or_with_bad_options_reports_the_problem()
    {
        var (exit, _, err) = await Run("get", "nodb", "k");
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), exit); // 1 is kept for a key that is not there
        Assert.Contains("no database at nodb", err, StringComparison.Ordinal);
        Assert.Equal(2, (await Run("scan", "db", "--format", "xml")).Exit);
        Assert.Equal(2, (await Run("scan", "db", "--prefix", "a", "--from", "b")).Exit);
    }
}
