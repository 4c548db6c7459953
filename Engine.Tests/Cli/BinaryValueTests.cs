using System.Text;
using System.Text.Json;
using SlateFast.Cli;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>
/// Binary values through the CLI: text output never looks like hex of other bytes, explicit
/// formats (text, hex, raw, jsonl) print exactly what is stored, and values come from a file or
/// standard input when an argument cannot carry them.
/// </summary>
public sealed class BinaryValueTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-binary");

    public void Dispose() => _folder.Dispose();

    private async Task<(int Exit, string Out, string Err, byte[] Raw)> Run(byte[]? stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var raw = new MemoryStream();
        using var input = new MemoryStream(stdin ?? []);
        var exit = await CommandLine.RunAsync(args, stdout, stderr, _folder.Path, raw, input);
        return (exit, stdout.ToString(), stderr.ToString(), raw.ToArray());
    }

    private async Task PutAsync(string key, byte[] value)
    {
        await using var db = await DbHandle.OpenAsync("db", new LocalObjectStore(_folder.Path));
        await db.PutAsync(Encoding.UTF8.GetBytes(key), value);
    }

    [Fact]
    public async Task Text_output_marks_bytes_that_are_not_text_so_they_never_print_like_a_text_value()
    {
        await PutAsync("binary", [0xff, 0xfe, 0x00, 0x01]);
        await PutAsync("text", "fffe0001"u8.ToArray());
        await PutAsync("control", "a\nb"u8.ToArray());

        Assert.Equal("0xfffe0001", (await Run(null, "get", "db", "binary")).Out.Trim());
        Assert.Equal("fffe0001", (await Run(null, "get", "db", "text")).Out.Trim());
        Assert.Equal("0x610a62", (await Run(null, "get", "db", "control")).Out.Trim());
    }

    [Fact]
    public async Task Hex_raw_and_jsonl_print_the_stored_bytes_exactly()
    {
        byte[] value = [0xff, 0xfe, 0x00, 0x01];
        await PutAsync("k", value);

        Assert.Equal("fffe0001", (await Run(null, "get", "db", "k", "--output", "hex")).Out.Trim());
        var raw = await Run(null, "get", "db", "k", "--output", "raw");
        Assert.Equal(0, raw.Exit);
        Assert.Equal(value, raw.Raw);
        Assert.Equal(string.Empty, raw.Out);
        using var json = JsonDocument.Parse((await Run(null, "get", "db", "k", "--output", "jsonl")).Out);
        Assert.Equal("6b", json.RootElement.GetProperty("key").GetString());
        Assert.Equal("fffe0001", json.RootElement.GetProperty("value").GetString());
        Assert.Equal("6b = fffe0001", (await Run(null, "scan", "db", "--output", "hex")).Out.Trim());
        Assert.Equal(2, (await Run(null, "scan", "db", "--output", "raw")).Exit);
    }

    [Fact]
    public async Task A_value_comes_from_a_file_or_from_standard_input_byte_for_byte()
    {
        var big = new byte[1 << 20];
        new Random(7).NextBytes(big);
        await File.WriteAllBytesAsync(Path.Combine(_folder.Path, "value.bin"), big);
        byte[] piped = [0x00, 0xff, 0x10];

        Assert.Equal(0, (await Run(null, "put", "db", "big", "--value-file", "value.bin", "--create")).Exit);
        Assert.Equal(0, (await Run(piped, "put", "db", "piped", "--value-file", "-")).Exit);

        Assert.Equal(big, (await Run(null, "get", "db", "big", "--output", "raw")).Raw);
        Assert.Equal(piped, (await Run(null, "get", "db", "piped", "--output", "raw")).Raw);
        Assert.Equal(2, (await Run(null, "put", "db", "k", "v", "--value-file", "value.bin")).Exit);
        Assert.Equal(2, (await Run(null, "put", "db", "k", "--value-file", "missing.bin")).Exit);
    }
}
