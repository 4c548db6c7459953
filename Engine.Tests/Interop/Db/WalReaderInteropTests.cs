using System.Text.Json;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Interop.Db;

/// <summary>
/// Change data capture agrees with SlateDB 0.12.1's own <c>WalReader</c> on the same WAL, both
/// ways: every row of every WAL object, in the same order, with the same kind, key, value,
/// sequence number and timestamps.
/// </summary>
public sealed class WalReaderInteropTests
{
    [Fact]
    public async Task SlateFast_reads_the_WAL_SlateDB_wrote_as_SlateDBs_WalReader_does()
    {
        using var tmp = new TempFolder("wal-interop");
        await SlateDbNode.GenerateAsync(tmp.Path, "wal-only");
        await SlateDbNode.GenerateAsync(tmp.Path, "ttl-merge");

        foreach (var db in new[] { "wal-only", "ttl-merge" })
        {
            var slatedb = await SlateDbRowsAsync(tmp.Path, db);
            var slatefast = await SlateFastRowsAsync(tmp.Path, db);
            Assert.NotEmpty(slatedb);
            Assert.Equal(slatedb, slatefast);
        }
    }

    [Fact]
    public async Task SlateDBs_WalReader_reads_the_WAL_SlateFast_wrote_and_SlateFasts_follower_sees_the_same_rows()
    {
        using var tmp = new TempFolder("wal-interop");
        var store = ObjectStores.Local(tmp.Path);
        await using (var db = await DbHandle.OpenAsync("db", store, new DbOptions { MergeOperator = MergeOperators.Concat, GarbageCollector = null }))
        {
            await db.PutAsync("a"u8.ToArray(), "1"u8.ToArray());
            await db.PutAsync("b"u8.ToArray(), "2"u8.ToArray(), new PutOptions { Ttl = Ttl.ExpireAfter(TimeSpan.FromDays(1)) });
            await db.WriteAsync(new WriteBatch().Put("c"u8, "3"u8).Delete("a"u8).Merge("m"u8, "x"u8));
            await db.MergeAsync("m"u8.ToArray(), "y"u8.ToArray());
            await db.DeleteAsync("b"u8.ToArray());
        }

        var slatedb = await SlateDbRowsAsync(tmp.Path, "db");
        Assert.Equal(7, slatedb.Count);
        Assert.Equal(slatedb, await SlateFastRowsAsync(tmp.Path, "db"));

        // The follower's commit order is the WAL's, object by object, by sequence number.
        var followed = new List<string>();
        await foreach (var row in new WalReader("db", store).FollowAsync(WalStart.Beginning))
        {
            followed.Add(Line(row));
            if (followed.Count == slatedb.Count)
            {
                break;
            }
        }

        Assert.Equal(slatedb.OrderBy(SeqOf).ThenBy(l => l, StringComparer.Ordinal), followed.OrderBy(SeqOf).ThenBy(l => l, StringComparer.Ordinal));
        Assert.Equal(followed.Select(SeqOf).Order(), followed.Select(SeqOf));
    }

    private static ulong SeqOf(string line) => JsonDocument.Parse(line).RootElement.GetProperty("seq").GetUInt64();

    private static async Task<List<string>> SlateDbRowsAsync(string root, string db) =>
        (await SlateDbNode.RunAsync(["wal-dump", root, db])).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => Line(JsonDocument.Parse(l).RootElement))
            .ToList();

    private static async Task<List<string>> SlateFastRowsAsync(string root, string db)
    {
        var reader = new WalReader(db, ObjectStores.Local(root));
        var rows = new List<string>();
        foreach (var file in await reader.ListAsync())
        {
            rows.AddRange((await reader.ReadAsync(file.Id)).Select(Line));
        }

        return rows;
    }

    // One canonical line per row, so both sides compare as strings and a difference prints whole.
    private static string Line(WalRow row) => Line(
        row.WalId,
        row.Kind switch { RowKind.Tombstone => "tombstone", RowKind.Merge => "merge", _ => "value" },
        Convert.ToHexStringLower(row.Key),
        row.Value is null ? null : Convert.ToHexStringLower(row.Value),
        row.Seq,
        row.CreateTs,
        row.ExpireTs);

    private static string Line(JsonElement e) => Line(
        e.GetProperty("wal_id").GetUInt64(),
        e.GetProperty("kind").GetString()!,
        e.GetProperty("key").GetString()!,
        e.GetProperty("value").GetString(),
        e.GetProperty("seq").GetUInt64(),
        e.GetProperty("create_ts").ValueKind == JsonValueKind.Null ? null : e.GetProperty("create_ts").GetInt64(),
        e.GetProperty("expire_ts").ValueKind == JsonValueKind.Null ? null : e.GetProperty("expire_ts").GetInt64());

    private static string Line(ulong walId, string kind, string key, string? value, ulong seq, long? createTs, long? expireTs) =>
        $"{{\"wal_id\":{walId},\"seq\":{seq},\"kind\":\"{kind}\",\"key\":\"{key}\",\"value\":{(value is null ? "null" : $"\"{value}\"")},\"create_ts\":{createTs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"},\"expire_ts\":{expireTs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}}}";
}
