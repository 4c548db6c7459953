using SlateFast.Cli;

namespace SlateFast.Tests.Cli;

/// <summary>
/// The command line is parsed by System.CommandLine from the command records, so every command
/// gets the same help, completions and errors; keys and values that look like options still work.
/// </summary>
public sealed class CommandLineParserTests
{
    [Fact]
    public async Task Every_command_has_help_that_lists_its_options_with_what_they_mean()
    {
        foreach (var command in CommandLine.Commands)
        {
            var (exit, output, _) = await Run([.. command.Path, "--help"]);

            Assert.Equal(0, exit);
            Assert.Contains(command.Summary, output, StringComparison.Ordinal);
            Assert.Contains($"slatefast {command.Name} {command.Usage}", output, StringComparison.Ordinal);
            foreach (var option in command.Options.Concat(command.Flags))
            {
                Assert.Contains(option, output, StringComparison.Ordinal);
            }
        }

        Assert.Matches(@"--store <URL> +the object store URL", (await Run(["get", "--help"])).Out);
    }

    [Fact]
    public async Task An_option_with_fixed_values_completes_them()
    {
        string line = "get orders k --output ";
        var (exit, output, _) = await Run([$"[suggest:{line.Length}]", line]);

        Assert.Equal(0, exit);
        Assert.Equal(["hex", "jsonl", "raw", "text"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("a value after an option that takes one", "get", "db", "k", "--store")]
    [InlineData("an option given twice", "get", "db", "k", "--output", "hex", "--output", "text")]
    [InlineData("an unknown option", "get", "db", "k", "--colour")]
    public async Task Parse_errors_are_usage_errors_that_print_the_usage_line(string what, params string[] args)
    {
        var (exit, _, err) = await Run(args);

        Assert.True(exit == 2, what);
        Assert.StartsWith("slatefast get: ", err, StringComparison.Ordinal);
        Assert.Contains("usage: slatefast get <db> <key>", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_and_values_that_start_with_a_dash_or_an_at_sign_are_arguments()
    {
        using var folder = new Support.TempFolder("cli");
        string store = new Uri(folder.Path).AbsoluteUri;

        Assert.Equal(0, (await Run(["put", "db", "-k", "@v", "--create", "--store", store])).Exit);
        var (exit, output, _) = await Run(["get", "db", "-k", "--store=" + store]);

        Assert.Equal((0, "@v"), (exit, output.Trim()));
    }

    private static Task<(int Exit, string Out, string Err)> Run(string[] args) => Support.SlateFastCli.RunAsync(Path.GetTempPath(), args);
}
