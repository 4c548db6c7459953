using SlateFast.ObjectStore;

namespace SlateFast.Manifest;

/// <summary>
/// The manifest versions of one database: <c>&lt;db&gt;/manifest/&lt;20-digit id&gt;.manifest</c>,
/// each written once with create-if-absent so that of two writers of the same next id exactly
/// one wins (spec §10.2).
/// </summary>
internal sealed class ManifestStore(IObjectStore store, string db)
{
    public string Db => db;

    public IObjectStore Store => store;

    /// <summary>The newest manifest, or null for a database that does not exist yet.</summary>
    public async Task<(ulong Id, ManifestState State)?> LoadLatestAsync(CancellationToken cancellationToken = default)
    {
        ulong latest = 0;
        await foreach (var meta in store.ListAsync(DbPaths.DirPrefix(db, DbPaths.ManifestDir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseManifestName(meta.Path, out var id) && id > latest)
            {
                latest = id;
            }
        }

        if (latest == 0)
        {
            return null;
        }

        // Newer versions may land while we read; follow them so "latest" is really the latest.
        var state = await LoadAsync(latest, cancellationToken).ConfigureAwait(false);
        return await FollowAsync(latest, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starting from a known version, reads any newer ones (cheaper than listing).</summary>
    public async Task<(ulong Id, ManifestState State)> FollowAsync(ulong id, ManifestState state, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var next = await TryLoadAsync(id + 1, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return (id, state);
            }

            (id, state) = (id + 1, next);
        }
    }

    public async Task<ManifestState> LoadAsync(ulong id, CancellationToken cancellationToken = default) =>
        await TryLoadAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(DbPaths.ManifestPath(db, id));

    public async Task<ManifestState?> TryLoadAsync(ulong id, CancellationToken cancellationToken = default)
    {
        var path = DbPaths.ManifestPath(db, id);
        var data = await store.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (data is null)
        {
            return null;
        }

        try
        {
            return ManifestCodec.Decode(data.Data.Span);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            throw new SlateFastException(ErrorKind.Data, $"{path}: {e.Message}", e);
        }
    }

    /// <summary>Writes version <paramref name="id"/> unless it exists; false when another writer got there first.</summary>
    public async Task<bool> TryWriteAsync(ulong id, ManifestState state, CancellationToken cancellationToken = default)
    {
        var result = await store.PutIfAbsentAsync(DbPaths.ManifestPath(db, id), ManifestCodec.Encode(state), cancellationToken).ConfigureAwait(false);
        return result.Stored;
    }
}
