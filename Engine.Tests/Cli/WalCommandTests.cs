using System.Text.Json;
using SlateFast.Cli;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary><c>slatefast wal list</c>, <c>wal dump</c> and <c>wal tail</c>: the WAL of a database on the command line.</summary>
public sealed class WalCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-wal");

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(CancellationToken interrupt, params string[] args) => SlateFastCli.RunAsync(_folder.Path, args, interrupt);

    private Task<(int Exit, string Out, string Err)> Run(params string[] args) => Run(CancellationToken.None, args);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Wal_dump_prints_each_committed_row_as_a_JSON_line_in_commit_order()
    {
        Assert.Equal(0, (await Run("put", "db", "b", "2", "--create")).Exit);
        Assert.Equal(0, (await Run("put", "db", "a", "1")).Exit);
        Assert.Equal(0, (await Run("delete", "db", "b")).Exit);

        var (exit, output, _) = await Run("wal", "dump", "db");

        Assert.Equal(0, exit);
        var rows = Lines(output).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["value", "value", "tombstone"], rows.Select(r => r.GetProperty("kind").GetString()));
        Assert.Equal(["62", "61", "62"], rows.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["32", "31", null], rows.Select(r => r.GetProperty("value").GetString()));
        var seqs = rows.Select(r => r.GetProperty("seq").GetUInt64()).ToArray();
        Assert.Equal(seqs.Order(), seqs);
        Assert.All(rows, r => Assert.True(r.GetProperty("create_ts").GetInt64() > 0));

        var text = await Run("wal", "dump", "db", "--output", "text");
        Assert.Contains("value a = 1", text.Out, StringComparison.Ordinal);
        Assert.Contains("tombstone b", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wal_list_shows_every_WAL_object_and_with_rows_its_sequence_numbers_and_fences()
    {
        Assert.Equal(0, (await Run("put", "db", "k", "v", "--create")).Exit);
        Assert.Equal(0, (await Run("put", "db", "k2", "v2")).Exit);

        var (exit, output, error) = await Run("wal", "list", "db", "--rows");

        Assert.Equal(0, exit);
        var lines = Lines(output);
        Assert.Contains($"{lines.Length} WAL objects", error, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("1 rows", StringComparison.Ordinal) && l.Contains("seq ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("a fence", StringComparison.Ordinal));
        var ids = lines.Select(l => ulong.Parse(l.Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(ids.Order(), ids);

        var later = Lines((await Run("wal", "list", "db", "--from-id", ids[^1].ToString(System.Globalization.CultureInfo.InvariantCulture))).Out);
        Assert.Single(later);
    }

    [Fact]
    public async Task Wal_tail_from_the_start_prints_rows_until_its_limit_and_after_a_sequence_number_resumes_there()
    {
        Assert.Equal(0, (await Run("put", "db", "k1", "v1", "--create")).Exit);
        Assert.Equal(0, (await Run("put", "db", "k2", "v2")).Exit);
        Assert.Equal(0, (await Run("put", "db", "k3", "v3")).Exit);

        var all = Lines((await Run("wal", "tail", "db", "--from-start", "--limit", "3", "--poll-interval", "10ms")).Out);
        Assert.Equal(["6b31", "6b32", "6b33"], all.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()));

        var firstSeq = JsonDocument.Parse(all[0]).RootElement.GetProperty("seq").GetUInt64();
        var resumed = Lines((await Run("wal", "tail", "db", "--after-seq", firstSeq.ToString(System.Globalization.CultureInfo.InvariantCulture), "--limit", "2")).Out);
        Assert.Equal(all[1..], resumed);
    }

    [Fact]
    public async Task Wal_tail_follows_new_commits_until_interrupted_and_then_exits_0()
    {
        Assert.Equal(0, (await Run("put", "db", "old", "v", "--create")).Exit);
        using var interrupt = new CancellationTokenSource();
        var stdout = new SignallingWriter("6e6577");
        var tail = CommandLine.RunAsync(["wal", "tail", "db", "--poll-interval", "10ms"], stdout, new StringWriter(), _folder.Path, interrupt: interrupt.Token);

        // The tail starts at the end: the old row is not printed, the new one is.
        while (!stdout.Seen.IsCompleted)
        {
            Assert.Equal(0, (await Run("put", "db", "new", "v")).Exit);
            await Task.WhenAny(stdout.Seen, Task.Delay(TimeSpan.FromMilliseconds(200)));
        }

        await interrupt.CancelAsync();
        Assert.Equal(0, await tail.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.DoesNotContain("6f6c64", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conflicting_starts_are_a_usage_error()
    {
        Assert.Equal(0, (await Run("put", "db", "k", "v", "--create")).Exit);
        var (exit, _, error) = await Run("wal", "tail", "db", "--from-start", "--after-seq", "3");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("at most one of", error, StringComparison.Ordinal);
    }

    /// <summary>Completes <see cref="Seen"/> once a written line contains the text.</summary>
    private sealed class SignallingWriter(string text) : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override void WriteLine(string? value)
        {
            lock (this)
            {
                base.WriteLine(value);
            }

            if (value?.Contains(text, StringComparison.Ordinal) == true)
            {
                _seen.TrySetResult();
            }
        }

        public override string ToString()
        {
            lock (this)
            {
                return base.ToString();
            }
        }
    }
}
