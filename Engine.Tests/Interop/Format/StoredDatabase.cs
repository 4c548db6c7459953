using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Interop.Format;

/// <summary>
/// Every object of a database on a <see cref="LocalObjectStore"/>, listed and decoded with SlateFast's
/// codecs: all manifest versions, all compactions files, the WAL ids and the compacted SST ids. SSTs are
/// read on demand (<see cref="ReadWalAsync"/>, <see cref="ReadCompactedAsync"/>).
/// </summary>
internal sealed class StoredDatabase
{
    private readonly Dictionary<Ulid, ushort> _formatVersions;

    private StoredDatabase(
        IObjectStore store,
        string dbPath,
        SortedDictionary<ulong, ManifestState> manifests,
        SortedDictionary<ulong, CompactionsState> compactions,
        SortedSet<ulong> walIds,
        IReadOnlyList<Ulid> compactedIds)
    {
        Store = store;
        DbPath = dbPath;
        Manifests = manifests;
        Compactions = compactions;
        WalIds = walIds;
        CompactedIds = compactedIds;
        _formatVersions = [];
        foreach (var sst in manifests.Values.SelectMany(EveryCompactedSst).Concat(compactions.Values.SelectMany(c => c.Recent.SelectMany(x => x.OutputSsts))))
        {
            _formatVersions[sst.Id] = sst.FormatVersion;
        }
    }

    public IObjectStore Store { get; }

    public string DbPath { get; }

    public SortedDictionary<ulong, ManifestState> Manifests { get; }

    public SortedDictionary<ulong, CompactionsState> Compactions { get; }

    public SortedSet<ulong> WalIds { get; }

    public IReadOnlyList<Ulid> CompactedIds { get; }

    public ManifestState Latest => Manifests.Values.Last();

    public static async Task<StoredDatabase> LoadAsync(IObjectStore store, string dbPath)
    {
        var manifests = new SortedDictionary<ulong, ManifestState>();
        foreach (var o in await store.ListAllAsync(DbPaths.DirPrefix(dbPath, DbPaths.ManifestDir)))
        {
            if (DbPaths.TryParseManifestName(o.Path, out var id))
            {
                manifests[id] = ManifestCodec.Decode(await ReadAllAsync(store, o.Path));
            }
        }

        var compactions = new SortedDictionary<ulong, CompactionsState>();
        foreach (var o in await store.ListAllAsync(DbPaths.DirPrefix(dbPath, DbPaths.CompactionsDir)))
        {
            if (DbPaths.TryParseCompactionsName(o.Path, out var id))
            {
                compactions[id] = CompactionsCodec.Decode(await ReadAllAsync(store, o.Path));
            }
        }

        var walIds = new SortedSet<ulong>();
        foreach (var o in await store.ListAllAsync(DbPaths.DirPrefix(dbPath, DbPaths.WalDir)))
        {
            if (DbPaths.TryParseWalSstName(o.Path, out var id))
            {
                walIds.Add(id);
            }
        }

        var compacted = new List<Ulid>();
        foreach (var o in await store.ListAllAsync(DbPaths.DirPrefix(dbPath, DbPaths.CompactedDir)))
        {
            if (DbPaths.TryParseCompactedSstName(o.Path, out var id))
            {
                compacted.Add(id);
            }
        }

        if (manifests.Count == 0)
        {
            throw new InvalidOperationException($"{dbPath}: no manifest");
        }

        return new StoredDatabase(store, dbPath, manifests, compactions, walIds, compacted);
    }

    public static IEnumerable<CompactedSst> EveryCompactedSst(ManifestState m) =>
        m.L0.Select(v => v.Sst).Concat(m.Compacted.SelectMany(sr => sr.Ssts.Select(v => v.Sst)));

    /// <summary>The format version some manifest or compaction lists for the SST, or null if none lists it.</summary>
    public ushort? FormatVersionOf(Ulid id) => _formatVersions.TryGetValue(id, out var v) ? v : null;

    public Task<StoredSst> ReadWalAsync(ulong id) => StoredSst.ReadAsync(Store, DbPaths.WalSstPath(DbPath, id));

    /// <summary>Reads a compacted SST with the manifest entry's format version, as the engine does (spec §5.1).</summary>
    public Task<StoredSst> ReadCompactedAsync(CompactedSst sst) =>
        StoredSst.ReadAsync(Store, DbPaths.CompactedSstPath(DbPath, sst.Id), sst.FormatVersion);

    private static async Task<byte[]> ReadAllAsync(IObjectStore store, string path)
    {
        var data = await store.GetAsync(path) ?? throw new InvalidOperationException($"{path} vanished");
        return data.Data.ToArray();
    }
}
