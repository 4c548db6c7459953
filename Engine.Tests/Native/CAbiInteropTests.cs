using System.Text;
using SlateFast.ObjectStore;
using SlateFast.Tests.Interop;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Native;

/// <summary>
/// A database written through the C ABI (NativeAot/tests/c/sf_rows.c) reads the same in .NET and
/// in real SlateDB 0.12.1, and databases written by .NET and by SlateDB read the same through the C ABI.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class CAbiInteropTests
{
    private static readonly (byte[] Key, byte[] Value)[] Rows =
    [
        ([0x00], Encoding.UTF8.GetBytes("zero")),
        ("apple"u8.ToArray(), "red"u8.ToArray()),
        ("empty"u8.ToArray(), []),
        ([0xFF, 0x00, 0x7F], [0x00, 0x01, 0x02, 0xFE]),
        ("zebra"u8.ToArray(), Encoding.UTF8.GetBytes(new string('z', 5000))),
    ];

    [Fact]
    public async Task A_database_written_through_the_C_ABI_reads_the_same_in_dotnet_and_in_SlateDB()
    {
        using var tmp = new TempFolder("cabi-interop");
        var rowsTool = await NativeToolchain.CompileAsync(tmp.Path, "sf_rows", "tests/c/sf_rows.c");
        var root = Path.Combine(tmp.Path, "store");
        var input = new StringBuilder();
        foreach (var (key, value) in Rows)
        {
            input.Append("put ").Append(Convert.ToHexStringLower(key)).Append(' ').Append(Convert.ToHexStringLower(value)).Append('\n');
        }

        input.Append("put 676f6e65 78\ndelete 676f6e65\nput 6170706c65 7265642d32\n"); // "gone" deleted, "apple" overwritten
        var written = await NativeToolchain.RunAsync(rowsTool, ["write", $"file://{root}", "db"], stdin: input.ToString());
        Assert.True(written.ExitCode == 0, written.ToString());
        var expected = Expected(("apple"u8.ToArray(), "red-2"u8.ToArray()));

        await using (var db = await DbHandle.OpenAsync("db", ObjectStores.Local(root)))
        {
            var dotnetRows = new List<(string, string)>();
            await foreach (var row in db.ScanAsync(KeyRange.All))
            {
                dotnetRows.Add((Convert.ToHexStringLower(row.Key), Convert.ToHexStringLower(row.Value)));
            }

            Assert.Equal(expected, dotnetRows);
        }

        var slateDbRows = await SlateDbNode.ScanAsync(root, "db");
        Assert.Equal(expected, slateDbRows.Select(r => (Convert.ToHexStringLower(r.Key), Convert.ToHexStringLower(r.Value))));
    }

    [Fact]
    public async Task Databases_written_by_dotnet_and_by_SlateDB_read_the_same_through_the_C_ABI()
    {
        using var tmp = new TempFolder("cabi-interop");
        var rowsTool = await NativeToolchain.CompileAsync(tmp.Path, "sf_rows", "tests/c/sf_rows.c");
        var root = Path.Combine(tmp.Path, "store");
        await using (var db = await DbHandle.OpenAsync("from-dotnet", ObjectStores.Local(root)))
        {
            foreach (var (key, value) in Rows)
            {
                await db.PutAsync(key, value, writeOptions: WriteOptions.NoWait);
            }

            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync("apple"u8.ToArray(), "red-2"u8.ToArray()); // newest version in the WAL only
        }

        await SlateDbNode.WriteAsync(root, "from-slatedb", [.. Rows.Select(r => SlateDbWriteOp.Put(r.Key, r.Value)), SlateDbWriteOp.Put("apple"u8.ToArray(), "red-2"u8.ToArray())]);

        var expected = Expected(("apple"u8.ToArray(), "red-2"u8.ToArray()));
        foreach (var dbPath in new[] { "from-dotnet", "from-slatedb" })
        {
            var scanned = await NativeToolchain.RunAsync(rowsTool, ["scan", $"file://{root}", dbPath]);
            Assert.True(scanned.ExitCode == 0, scanned.ToString());
            var rows = scanned.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).Select(p => (p[0], p.Length > 1 ? p[1] : string.Empty));
            Assert.Equal(expected, rows);
        }
    }

    private static List<(string, string)> Expected((byte[] Key, byte[] Value) overwrite) =>
        [.. Rows.Select(r => r.Key.AsSpan().SequenceEqual(overwrite.Key) ? overwrite : r)
            .OrderBy(r => r.Key, ByteArrayComparer.Instance)
            .Select(r => (Convert.ToHexStringLower(r.Key), Convert.ToHexStringLower(r.Value)))];
}
