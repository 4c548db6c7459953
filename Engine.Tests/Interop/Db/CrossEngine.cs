using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Tests.Interop.Db;

/// <summary>Helpers shared by the cross-engine tests.</summary>
internal static class CrossEngine
{
    /// <summary>Copies a database folder, so a test can write to a shared read-only fixture.</summary>
    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Every key that has a row in any WAL or compacted SST of the database: live, deleted or overwritten.</summary>
    public static async Task<HashSet<byte[]>> KeysInObjectsAsync(IObjectStore store, string db)
    {
        var keys = new HashSet<byte[]>(ByteArrayComparer.Instance);
        foreach (var folder in new[] { "wal", "compacted" })
        {
            foreach (var meta in await store.ListAllAsync($"{db}/{folder}/"))
            {
                var reader = await SstReader.OpenAsync(store, meta.Path);
                await foreach (var row in reader.ReadRowsAsync())
                {
                    keys.Add(row.Key);
                }
            }
        }

        return keys;
    }

    /// <summary>Every row SlateDB scanned is readable in SlateFast with the same value; keys with rows on disk but absent from the scan are absent.</summary>
    public static async Task AssertSlateFastReadsAsync(DbHandle db, IObjectStore store, string dbPath, IReadOnlyList<SlateDbRow> scan, int minimumDeleted)
    {
        foreach (var row in scan)
        {
            var got = await db.GetAsync(row.Key);
            Assert.True(got is not null && got.AsSpan().SequenceEqual(row.Value), $"key {Convert.ToHexString(row.Key)}: SlateDB has {Convert.ToHexString(row.Value)}, SlateFast {(got is null ? "nothing" : Convert.ToHexString(got))}");
        }

        var live = scan.Select(r => r.Key).ToHashSet(ByteArrayComparer.Instance);
        var deleted = (await KeysInObjectsAsync(store, dbPath)).Where(k => !live.Contains(k)).ToList();
        Assert.True(deleted.Count >= minimumDeleted, $"expected at least {minimumDeleted} deleted keys on disk, found {deleted.Count}");
        foreach (var key in deleted)
        {
            var got = await db.GetAsync(key);
            Assert.True(got is null, $"key {Convert.ToHexString(key)} is absent from SlateDB's scan but SlateFast returns {Convert.ToHexString(got ?? [])}");
        }

        Assert.True(db.LastSeq >= scan.Select(r => r.Seq).DefaultIfEmpty(0UL).Max(), $"LastSeq {db.LastSeq} is below a recovered row's seq");
    }
}
