using System.Text;
using SlateFast.Cli;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

public sealed class WriteCommandTests
{

    private static async Task<byte[]?> ReadAsync(string root, string db, byte[] key)
    {
        await using var handle = await DbHandle.OpenAsync(db, new LocalObjectStore(root));
        return await handle.GetAsync(key);
    }

    [Fact]
    public async Task Put_writes_a_utf8_key_and_value_into_a_database_in_the_working_folder()
    {
        using var folder = new TempFolder("cli-put");

        var (exit, output, error) = await SlateFastCli.RunAsync(folder.Path, "put", "orders", "héllo", "wörld", "--create");

        Assert.True(exit == 0, error);
        Assert.Contains("seq 1", output, StringComparison.Ordinal);
        Assert.Equal(B("wörld"), await ReadAsync(folder.Path, "orders", B("héllo")));
    }

    [Fact]
    public async Task Wal_store_keeps_the_WAL_in_another_folder_for_put_get_scan_and_gc_and_an_open_without_it_is_refused()
    {
        using var folder = new TempFolder("cli-wal-store");
        var walRoot = Path.Combine(folder.Path, "wal-disk");
        var walUrl = "file://" + walRoot;

        var (putExit, _, putErr) = await SlateFastCli.RunAsync(folder.Path, "put", "orders", "k", "v", "--create", "--wal-store", walUrl);
        var (getExit, getOut, getErr) = await SlateFastCli.RunAsync(folder.Path, "get", "orders", "k", "--wal-store", walUrl);
        var (scanExit, scanOut, _) = await SlateFastCli.RunAsync(folder.Path, "scan", "orders", "--wal-store", walUrl);
        var (refusedExit, _, refusedErr) = await SlateFastCli.RunAsync(folder.Path, "get", "orders", "k");
        var (gcExit, gcOut, gcErr) = await SlateFastCli.RunAsync(folder.Path, "gc", "orders", "--min-age", "0s", "--wal-store", walUrl);

        Assert.True(putExit == 0, putErr);
        Assert.True(getExit == 0, getErr);
        Assert.Equal("v", getOut.Trim());
        Assert.True(scanExit == 0);
        Assert.Contains("k", scanOut, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "orders", "wal")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(walRoot, "orders", "wal")));
        Assert.NotEqual(0, refusedExit);
        Assert.Contains("--wal-store", refusedErr, StringComparison.Ordinal);
        Assert.True(gcExit == 0, gcErr);
        Assert.Contains("WAL", gcOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_and_load_with_the_concat_operator_write_operands_that_get_and_scan_fold()
    {
        using var folder = new TempFolder("cli-merge");
        var input = Path.Combine(folder.Path, "ops.jsonl");
        await File.WriteAllLinesAsync(input, [
            $$"""{"key":"{{Convert.ToHexString(B("k"))}}","value":"{{Convert.ToHexString(B("base;"))}}"}""",
            $$"""{"key":"{{Convert.ToHexString(B("k"))}}","merge":"{{Convert.ToHexString(B("a;"))}}"}""",
        ]);

        Assert.Equal(2, (await SlateFastCli.RunAsync(folder.Path, "load", "db", "--input", "ops.jsonl", "--create")).Exit);
        var (loadExit, loadOut, loadErr) = await SlateFastCli.RunAsync(folder.Path, "load", "db", "--input", "ops.jsonl", "--merge-operator", "concat", "--create");
        Assert.True(loadExit == 0, loadErr);
        Assert.Contains("1 merges", loadOut, StringComparison.Ordinal);
        Assert.True((await SlateFastCli.RunAsync(folder.Path, "merge", "db", "k", "b;", "--merge-operator", "concat")).Exit == 0);

        var (getExit, getOut, _) = await SlateFastCli.RunAsync(folder.Path, "get", "db", "k", "--merge-operator", "concat");
        Assert.Equal(0, getExit);
        Assert.Equal("base;a;b;", getOut.Trim());
        var (scanExit, scanOut, _) = await SlateFastCli.RunAsync(folder.Path, "scan", "db", "--format", "jsonl", "--merge-operator", "concat");
        Assert.Equal(0, scanExit);
        Assert.Contains(Convert.ToHexStringLower(B("base;a;b;")), scanOut, StringComparison.Ordinal);

        var (withoutExit, _, withoutErr) = await SlateFastCli.RunAsync(folder.Path, "get", "db", "k");
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), withoutExit);
        Assert.Contains("merge operator missing", withoutErr, StringComparison.Ordinal);
        Assert.Contains("--merge-operator concat", withoutErr, StringComparison.Ordinal);

        // A scan that meets the operand fails before it prints any row, even rows before the key.
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "put", "db", "a-first", "plain")).Exit);
        var (scanWithoutExit, scanWithoutOut, scanWithoutErr) = await SlateFastCli.RunAsync(folder.Path, "scan", "db");
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), scanWithoutExit);
        Assert.Equal(string.Empty, scanWithoutOut);
        Assert.Contains("--merge-operator concat", scanWithoutErr, StringComparison.Ordinal);
        Assert.NotEqual(0, (await SlateFastCli.RunAsync(folder.Path, "merge", "db", "k", "c;", "--merge-operator", "sum")).Exit);
    }

    [Fact]
    public async Task Sst_write_makes_an_sst_from_jsonl_that_ingest_adds_and_refuses_keys_out_of_order()
    {
        using var folder = new TempFolder("cli-sst-write");
        string Line(string key, string value) => $$"""{"key":"{{Convert.ToHexString(B(key))}}","value":"{{Convert.ToHexString(B(value))}}"}""";
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "rows.jsonl"), [Line("a", "1"), Line("b", "2"), Line("c", "3")]);
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "unsorted.jsonl"), [Line("b", "2"), Line("a", "1")]);

        var (exit, output, error) = await SlateFastCli.RunAsync(folder.Path, "sst", "write", "exports/part-1.sst", "rows.jsonl");
        Assert.True(exit == 0, error);
        Assert.Contains("wrote exports/part-1.sst: 3 puts", output, StringComparison.Ordinal);
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "ingest", "db", "exports/part-1.sst", "--create")).Exit);
        Assert.Equal("2", (await SlateFastCli.RunAsync(folder.Path, "get", "db", "b")).Out.Trim());

        var (badExit, _, badError) = await SlateFastCli.RunAsync(folder.Path, "sst", "write", "exports/bad.sst", "--input", "unsorted.jsonl");
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), badExit);
        Assert.Contains("input line 2: key a does not come after the previous key", badError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.Path, "exports", "bad.sst")));
    }

    [Fact]
    public async Task Ingest_adds_sstwriter_files_from_the_store_at_one_sequence_number()
    {
        using var folder = new TempFolder("cli-ingest");
        var store = new LocalObjectStore(folder.Path);
        await using (var writer = await SlateFast.Sst.SstWriter.CreateAsync(store, "exports/part-1.sst"))
        {
            await writer.PutAsync(B("a"), B("1"));
            await writer.PutAsync(B("b"), B("2"));
            await writer.CloseAsync();
        }

        var (exit, output, error) = await SlateFastCli.RunAsync(folder.Path, "ingest", "db", "exports/part-1.sst", "--create");

        Assert.True(exit == 0, error);
        Assert.Contains("ingested 2 rows from 1 SSTs into db", output, StringComparison.Ordinal);
        Assert.Equal(B("2"), await ReadAsync(folder.Path, "db", B("b")));
        Assert.NotEqual(0, (await SlateFastCli.RunAsync(folder.Path, "ingest", "db", "exports/missing.sst")).Exit);
    }

    [Fact]
    public async Task Put_and_delete_with_hex_take_binary_keys_and_values()
    {
        using var folder = new TempFolder("cli-put");

        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "put", "db", "00ff00", "0102ff", "--hex", "--create")).Exit);
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "put", "db", "01", "", "--hex")).Exit);
        Assert.Equal([0x01, 0x02, 0xFF], await ReadAsync(folder.Path, "db", [0x00, 0xFF, 0x00]));
        Assert.Equal(Array.Empty<byte>(), await ReadAsync(folder.Path, "db", [0x01]));

        var (exit, output, _) = await SlateFastCli.RunAsync(folder.Path, "delete", "db", "00FF00", "--hex");

        Assert.Equal(0, exit);
        Assert.Contains("deleted key 0x00ff00", output, StringComparison.Ordinal); // not text, so hex marked as such
        Assert.Null(await ReadAsync(folder.Path, "db", [0x00, 0xFF, 0x00]));
    }

    [Fact]
    public async Task The_store_option_writes_into_the_store_it_names_instead_of_the_working_folder()
    {
        using var working = new TempFolder("cli-cwd");
        using var elsewhere = new TempFolder("cli-store");

        var (exit, _, error) = await SlateFastCli.RunAsync(working.Path, "put", "db", "k", "v", "--create", "--store", new Uri(elsewhere.Path).AbsoluteUri);

        Assert.True(exit == 0, error);
        Assert.Equal(B("v"), await ReadAsync(elsewhere.Path, "db", B("k")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(working.Path));
    }

    [Fact]
    public async Task Load_applies_lines_in_order_across_batch_boundaries_and_prints_a_summary()
    {
        const int seed = 5;
        using var folder = new TempFolder("cli-load");
        var random = new Random(seed);
        var model = new Dictionary<string, byte[]?>();
        var lines = new List<string>();
        for (var i = 0; i < 2 * WriteCommands.LoadBatchSize + 500; i++)
        {
            // Few keys, so one key is written many times inside a batch and in consecutive batches.
            var key = B($"key-{random.Next(150)}");
            var hexKey = Convert.ToHexStringLower(key);
            if (random.Next(4) == 0)
            {
                lines.Add($"{{\"key\":\"{hexKey}\",\"delete\":true}}");
                model[hexKey] = null;
            }
            else
            {
                var value = new byte[random.Next(0, 40)];
                random.NextBytes(value);
                lines.Add($"{{\"key\":\"{hexKey}\",\"value\":\"{Convert.ToHexStringLower(value)}\"}}");
                model[hexKey] = value;
            }
        }

        // The last two lines straddle nothing but still must end with the delete winning.
        lines.Add("{\"key\":\"6c617374\",\"value\":\"01\"}");
        lines.Add("");
        lines.Add("{\"key\":\"6c617374\",\"delete\":true}");
        model["6c617374"] = null;
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "ops.jsonl"), lines);

        var (exit, output, error) = await SlateFastCli.RunAsync(folder.Path, "load", "db", "--input", "ops.jsonl", "--create");

        Assert.True(exit == 0, $"seed {seed}: {error}");
        var puts = lines.Count(l => l.Contains("value", StringComparison.Ordinal));
        var deletes = lines.Count(l => l.Contains("delete", StringComparison.Ordinal));
        Assert.Contains($"loaded {puts + deletes} operations ({puts} puts, {deletes} deletes, 0 merges in the file) in 3 batches into db", output, StringComparison.Ordinal);
        await using var db = await DbHandle.OpenAsync("db", new LocalObjectStore(folder.Path));
        foreach (var (hexKey, value) in model)
        {
            Assert.Equal(value, await db.GetAsync(Convert.FromHexString(hexKey)));
        }
    }

    [Fact]
    public async Task Load_checks_every_line_before_writing_so_a_bad_line_leaves_the_database_untouched()
    {
        using var folder = new TempFolder("cli-load");
        var input = Path.Combine(folder.Path, "bad.jsonl");
        await File.WriteAllLinesAsync(input, ["{\"key\":\"61\",\"value\":\"01\"}", "{\"key\":\"62\",\"value\":\"02\"}", "{\"key\":\"zz\",\"value\":\"03\"}"]);

        var (exit, _, error) = await SlateFastCli.RunAsync(folder.Path, "load", "db", "--input", input, "--create");

        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), exit);
        Assert.Contains("Invalid: input line 3", error, StringComparison.Ordinal);
        Assert.Empty(await new LocalObjectStore(folder.Path).ListAllAsync("db/"));
    }

    [Theory]
    [InlineData("{\"key\":\"61\"}")]
    [InlineData("{\"key\":\"61\",\"value\":\"01\",\"delete\":true}")]
    [InlineData("{\"key\":\"\",\"value\":\"01\"}")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public async Task Load_rejects_a_line_that_is_neither_a_put_nor_a_delete(string line)
    {
        using var folder = new TempFolder("cli-load");
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "ops.jsonl"), [line]);

        var (exit, _, error) = await SlateFastCli.RunAsync(folder.Path, "load", "db", "--input", "ops.jsonl", "--create");

        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), exit);
        Assert.Contains("input line 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_to_a_database_that_does_not_exist_needs_create_so_a_typo_creates_nothing()
    {
        using var folder = new TempFolder("cli-create");

        foreach (var args in new[] { new[] { "put", "ordrs", "k", "v" }, ["delete", "ordrs", "k"], ["merge", "ordrs", "k", "v", "--merge-operator", "concat"] })
        {
            var (exit, _, error) = await SlateFastCli.RunAsync(folder.Path, args);
            Assert.Equal(ExitCodes.For(ErrorKind.Invalid), exit);
            Assert.Contains("database 'ordrs' does not exist", error, StringComparison.Ordinal);
            Assert.Contains("--create", error, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(folder.Path, "ordrs")));
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "put", "orders", "k", "v", "--create")).Exit);
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "put", "orders", "k2", "v2")).Exit); // it exists now
    }

    [Fact]
    public async Task Exit_codes_tell_not_found_from_each_kind_of_error_and_help_lists_them()
    {
        using var folder = new TempFolder("cli-exit");
        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "put", "db", "k", "v", "--create")).Exit);

        Assert.Equal(ExitCodes.NotFound, (await SlateFastCli.RunAsync(folder.Path, "get", "db", "missing-key")).Exit);
        Assert.Equal(ExitCodes.Usage, (await SlateFastCli.RunAsync(folder.Path, "get", "db")).Exit);
        Assert.Equal(14, (await SlateFastCli.RunAsync(folder.Path, "get", "no-such-db", "k")).Exit);   // Invalid
        Assert.Equal(14, (await SlateFastCli.RunAsync(folder.Path, "scan", "db", "--from", "b", "--to", "a")).Exit);
        Assert.Equal(15, (await SlateFastCli.RunAsync(folder.Path, "sst", "dump", SlateFast.Manifest.DbPaths.ManifestPath("db", 1))).Exit); // Data: a manifest is not an SST

        var (helpExit, help, _) = await SlateFastCli.RunAsync(folder.Path, "--help");
        Assert.Equal(0, helpExit);
        foreach (var line in new[] { "1 not found", "2 usage error", "11 Transaction", "12 Closed", "13 Unavailable", "14 Invalid", "15 Data", "16 Internal" })
        {
            Assert.Contains(line, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Usage_errors_exit_2_with_the_usage_line()
    {
        using var folder = new TempFolder("cli-usage");

        var badHex = await SlateFastCli.RunAsync(folder.Path, "put", "db", "xyz", "00", "--hex");
        var missingValue = await SlateFastCli.RunAsync(folder.Path, "put", "db", "k");
        var noInput = await SlateFastCli.RunAsync(folder.Path, "load", "db");
        var missingFile = await SlateFastCli.RunAsync(folder.Path, "load", "db", "--input", "nope.jsonl");

        Assert.Equal((2, 2, 2, 2), (badHex.Exit, missingValue.Exit, noInput.Exit, missingFile.Exit));
        Assert.Contains("not hex", badHex.Err, StringComparison.Ordinal);
        Assert.Contains("usage: slatefast put", missingValue.Err, StringComparison.Ordinal);
        Assert.Contains("--input", noInput.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }
}
