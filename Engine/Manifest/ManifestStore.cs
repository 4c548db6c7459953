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
        var latest = await LatestIdAsync(cancellationToken).ConfigureAwait(false);
        if (latest == 0)
        {
            return null;
        }

        // Newer versions may land while we read; follow them so "latest" is really the latest.
        var state = await LoadAsync(latest, cancellationToken).ConfigureAwait(false);
        return await FollowNextAsync(latest, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The highest manifest id present, by listing; 0 when there is none.</summary>
    public async Task<ulong> LatestIdAsync(CancellationToken cancellationToken = default)
    {
        ulong latest = 0;
        await foreach (var meta in store.ListAsync(DbPaths.DirPrefix(db, DbPaths.ManifestDir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseManifestName(meta.Path, out var id) && id > latest)
            {
                latest = id;
            }
        }

        return latest;
    }

    /// <summary>
    /// Starting from a known version, the newest one: newer versions are read one by one, then a
    /// listing confirms nothing lies beyond a gap. Gaps exist because the garbage collector
    /// deletes old versions: a holder of an old version would otherwise stop at the gap and take
    /// an old version for the newest.
    /// </summary>
    public async Task<(ulong Id, ManifestState State)> FollowAsync(ulong id, ManifestState state, CancellationToken cancellationToken = default)
    {
        (id, state) = await FollowNextAsync(id, state, cancellationToken).ConfigureAwait(false);
        var listed = await LatestIdAsync(cancellationToken).ConfigureAwait(false);
        return listed > id ? (await LoadLatestAsync(cancellationToken).ConfigureAwait(false))!.Value : (id, state);
    }

    private async Task<(ulong Id, ManifestState State)> FollowNextAsync(ulong id, ManifestState state, CancellationToken cancellationToken)
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

    /// <summary>
    /// Writes version <paramref name="id"/> unless it exists; false when another writer got there
    /// first, as for any conflict, also when a newer version already exists: the write then fell
    /// into a gap the garbage collector left behind the newest version, and a version below the
    /// newest is never read as the database's state (the caller re-reads and applies its change
    /// again on the newest).
    /// </summary>
    public async Task<bool> TryWriteAsync(ulong id, ManifestState state, CancellationToken cancellationToken = default)
    {
        var result = await store.PutIfAbsentAsync(DbPaths.ManifestPath(db, id), ManifestCodec.Encode(state), cancellationToken).ConfigureAwait(false);
        return result.Stored && await LatestIdAsync(cancellationToken).ConfigureAwait(false) <= id;
    }
}
