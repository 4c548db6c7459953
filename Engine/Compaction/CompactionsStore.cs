using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Compacting;

/// <summary>
/// The compactor's state files, <c>&lt;db&gt;/compactions/&lt;20-digit id&gt;.compactions</c>: versions
/// written once each with create-if-absent, like manifests (spec §4), so of two compactors
/// writing the same next id exactly one wins.
/// </summary>
internal sealed class CompactionsStore(IObjectStore store, string db)
{
    public async Task<(ulong Id, CompactionsState State)?> LoadLatestAsync(CancellationToken cancellationToken)
    {
        var latest = await LatestIdAsync(cancellationToken).ConfigureAwait(false);
        if (latest == 0)
        {
            return null;
        }

        var state = await TryLoadAsync(latest, cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectNotFoundException(DbPaths.CompactionsPath(db, latest));
        return await FollowNextAsync(latest, state, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ulong> LatestIdAsync(CancellationToken cancellationToken)
    {
        ulong latest = 0;
        await foreach (var meta in store.ListAsync(DbPaths.DirPrefix(db, DbPaths.CompactionsDir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseCompactionsName(meta.Path, out var id) && id > latest)
            {
                latest = id;
            }
        }

        return latest;
    }

    /// <summary>
    /// From a known version, the newest: newer ones one by one, then a listing, because the
    /// garbage collector leaves gaps behind the newest version (see <see cref="ManifestStore.FollowAsync"/>).
    /// </summary>
    public async Task<(ulong Id, CompactionsState State)> FollowAsync(ulong id, CompactionsState state, CancellationToken cancellationToken)
    {
        (id, state) = await FollowNextAsync(id, state, cancellationToken).ConfigureAwait(false);
        return await LatestIdAsync(cancellationToken).ConfigureAwait(false) > id
            ? (await LoadLatestAsync(cancellationToken).ConfigureAwait(false))!.Value
            : (id, state);
    }

    private async Task<(ulong Id, CompactionsState State)> FollowNextAsync(ulong id, CompactionsState state, CancellationToken cancellationToken)
    {
        while (await TryLoadAsync(id + 1, cancellationToken).ConfigureAwait(false) is { } next)
        {
            (id, state) = (id + 1, next);
        }

        return (id, state);
    }

    public async Task<CompactionsState?> TryLoadAsync(ulong id, CancellationToken cancellationToken)
    {
        var path = DbPaths.CompactionsPath(db, id);
        var data = await store.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (data is null)
        {
            return null;
        }

        try
        {
            return CompactionsCodec.Decode(data.Data.Span);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            throw new SlateFastException(ErrorKind.Data, $"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes version <paramref name="id"/> unless it exists; false when another compactor got
    /// there first, or, without writing, when a version at or above it is listed (a gap the
    /// collector left; see <see cref="ManifestStore.TryWriteAsync"/>).
    /// </summary>
    public async Task<bool> TryWriteAsync(ulong id, CompactionsState state, CancellationToken cancellationToken)
    {
        if (await LatestIdAsync(cancellationToken).ConfigureAwait(false) >= id)
        {
            return false;
        }

        var result = await store.PutIfAbsentAsync(DbPaths.CompactionsPath(db, id), CompactionsCodec.Encode(state), cancellationToken).ConfigureAwait(false);
        return result.Stored;
    }
}
