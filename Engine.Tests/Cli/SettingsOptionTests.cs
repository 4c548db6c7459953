using System.Text.Json;
using SlateFast.Cli;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>
/// <c>--settings FILE</c>: a SlateDB-style settings file sets the options of the database a command
/// opens; SLATEDB_ variables override it and the command's own flags override both.
/// </summary>
public sealed class SettingsOptionTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-settings");

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(Dictionary<string, string>? environment, params string[] args) => SlateFastCli.RunAsync(_folder.Path, args, default, environment ?? []);

    private async Task<JsonElement> FirstL0Async(string db)
    {
        var (exit, output, error) = await Run(null, "manifest", "dump", db);
        Assert.True(exit == 0, error);
        return JsonDocument.Parse(output).RootElement.GetProperty("l0")[0];
    }

    [Fact]
    public async Task A_settings_file_sets_the_codec_of_the_SSTs_a_write_command_flushes()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "slatedb.toml"), "compression_codec = \"Zstd\"\nflush_interval = \"50ms\"\n");

        Assert.Equal(0, (await Run(null, "put", "db", "k", "v", "--create", "--settings", "slatedb.toml")).Exit);

        Assert.Equal("Zstd", (await FirstL0Async("db")).GetProperty("compression").GetString());
    }

    [Fact]
    public async Task Flags_override_the_file_and_SLATEDB_variables_override_the_file_too()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "s.yaml"), "format_level: \"0.13\"\nmin_filter_keys: 0\ncompression_codec: Snappy\n");
        var environment = new Dictionary<string, string> { ["SLATEDB_COMPRESSION_CODEC"] = "lz4" };

        Assert.Equal(0, (await Run(environment, "put", "from-file", "k", "v", "--create", "--settings", "s.yaml")).Exit);
        Assert.Equal(0, (await Run(environment, "put", "flag-wins", "k", "v", "--create", "--settings", "s.yaml", "--format-level", "0.12")).Exit);

        var fromFile = await FirstL0Async("from-file");
        Assert.Equal("composite", fromFile.GetProperty("filter_format").GetString()); // 0.13's filters
        Assert.Equal("Lz4", fromFile.GetProperty("compression").GetString()); // the variable beat the file
        Assert.Equal("legacy", (await FirstL0Async("flag-wins")).GetProperty("filter_format").GetString());
    }

    [Fact]
    public async Task A_bad_settings_file_fails_the_command_as_invalid_naming_the_key()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "bad.json"), "{\"compactor_options\": {\"poll_intervall\": \"1s\"}}");

        var (exit, _, error) = await Run(null, "put", "db", "k", "v", "--create", "--settings", "bad.json");

        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), exit);
        Assert.Contains("compactor_options.poll_intervall is not a SlateFast setting", error, StringComparison.Ordinal);
    }
}
