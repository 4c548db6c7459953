using SlateFast.ObjectStore;

namespace SlateFast.Manifest;

/// <summary>
/// The protocol SlateDB keeps its manifest and its compactions file under, written once here:
/// versions <c>&lt;db&gt;/&lt;dir&gt;/&lt;20-digit id&gt;.&lt;extension&gt;</c>, each created exactly once
/// with create-if-absent; the newest id is the state. A change is written as version N+1 of the
/// newest version N; losing that race means re-reading, checking (an epoch that fences the
/// caller) and applying the change again, until a deadline.
/// </summary>
/// <remarks>
/// A created version only counts when nothing says its id had been used and collected before:
/// the namespace's GC boundary file (RFC-0026, written by SlateDB 0.14+ and SlateFast's collector)
/// must be below it, and a listing must show no newer version (older collectors, which keep no
/// boundary, leave gaps behind the newest version that a stale writer could fill).
/// </remarks>
internal abstract class VersionedObjectStore<T>(IObjectStore store, string db, string dir, string extension, string what)
    where T : class
{
    public string Db => db;

    public IObjectStore Store => store;

    /// <summary>The namespace's GC boundary (<c>gc/&lt;dir&gt;.boundary</c>).</summary>
    public GcBoundary Boundary { get; } = new(store, db, dir);

    public string PathOf(ulong id) => DbPaths.VersionedPath(db, dir, extension, id);

    /// <summary>Whether a listed object name is a version of this namespace, and its id.</summary>
    public bool TryParse(string path, out ulong id) => DbPaths.TryParseVersionedName(path, extension, out id);

    protected abstract T Decode(ReadOnlySpan<byte> file);

    protected abstract byte[] Encode(T state);

    /// <summary>Checks the invariants a change must keep (Debug builds; see <see cref="Diagnostics.Invariants"/>).</summary>
    protected virtual void CheckChange(T before, T after)
    {
    }

    /// <summary>The newest version, or null when there is none.</summary>
    public async Task<(ulong Id, T State)?> LoadLatestAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var latest = await LatestIdAsync(cancellationToken).ConfigureAwait(false);
            if (latest == 0)
            {
                return null;
            }

            // Newer versions may land while we read; follow them so "latest" is really the latest.
            if (await TryLoadAsync(latest, cancellationToken).ConfigureAwait(false) is { } state)
            {
                return await FollowNextAsync(latest, state, cancellationToken).ConfigureAwait(false);
            }

            // Listed, then gone: the collector deletes a version only once newer ones exist, so
            // newer ones landed between the listing and the read (found by the operation fuzzer:
            // a compactor's start failed on it and the database ran without one). List again.
            if (attempt == MaxListings)
            {
                throw new ObjectNotFoundException(PathOf(latest));
            }
        }
    }

    // Each retry follows a version that was the newest a moment ago; a store that keeps losing
    // its newest version for this long is broken, not busy.
    private const int MaxListings = 10;

    /// <summary>Every version present, by listing, oldest first; objects whose names are not versions are not in it.</summary>
    public async Task<List<(ulong Id, ObjectMeta Meta)>> ListVersionsAsync(CancellationToken cancellationToken = default)
    {
        var versions = new List<(ulong Id, ObjectMeta Meta)>();
        await foreach (var meta in store.ListAsync(DbPaths.DirPrefix(db, dir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (TryParse(meta.Path, out var id))
            {
                versions.Add((id, meta));
            }
        }

        versions.Sort((a, b) => a.Id.CompareTo(b.Id));
        return versions;
    }

    /// <summary>Whether any version is present; the listing stops at the first.</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var meta in store.ListAsync(DbPaths.DirPrefix(db, dir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (TryParse(meta.Path, out _))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The highest id present, by listing; 0 when there is none.</summary>
    public async Task<ulong> LatestIdAsync(CancellationToken cancellationToken = default)
    {
        ulong latest = 0;
        await foreach (var meta in store.ListAsync(DbPaths.DirPrefix(db, dir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (TryParse(meta.Path, out var id) && id > latest)
            {
                latest = id;
            }
        }

        return latest;
    }

    /// <summary>
    /// Starting from a known version, the newest one: newer versions are read one by one, then a
    /// listing confirms nothing lies beyond a gap the collector left.
    /// </summary>
    public async Task<(ulong Id, T State)> FollowAsync(ulong id, T state, CancellationToken cancellationToken = default)
    {
        (id, state) = await FollowNextAsync(id, state, cancellationToken).ConfigureAwait(false);
        var listed = await LatestIdAsync(cancellationToken).ConfigureAwait(false);
        return listed > id ? (await LoadLatestAsync(cancellationToken).ConfigureAwait(false))!.Value : (id, state);
    }

    private async Task<(ulong Id, T State)> FollowNextAsync(ulong id, T state, CancellationToken cancellationToken)
    {
        while (await TryLoadAsync(id + 1, cancellationToken).ConfigureAwait(false) is { } next)
        {
            (id, state) = (id + 1, next);
        }

        return (id, state);
    }

    public async Task<T> LoadAsync(ulong id, CancellationToken cancellationToken = default) =>
        await TryLoadAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(PathOf(id));

    public async Task<T?> TryLoadAsync(ulong id, CancellationToken cancellationToken = default)
    {
        var path = PathOf(id);
        var data = await store.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (data is null)
        {
            return null;
        }

        try
        {
            return Decode(data.Data.Span);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            // Named by id as well as path: the id is what `slatefast manifest list` and a rollback take.
            throw new SlateFastException(ErrorKind.Data, $"{what} {id} ({path}) does not decode: {e.Message}", e);
        }
    }

    /// <summary>
    /// Creates version <paramref name="id"/> unless it exists. False when another writer got
    /// there first, and also when the created version does not count (see the remarks): the
    /// caller re-reads and applies its change again on the newest version.
    /// </summary>
    public async Task<bool> TryWriteAsync(ulong id, T state, CancellationToken cancellationToken = default)
    {
        var result = await store.PutIfAbsentAsync(PathOf(id), Encode(state), cancellationToken).ConfigureAwait(false);
        return result.Stored
            && await Boundary.AdmitsAsync(id, cancellationToken).ConfigureAwait(false)
            && await LatestIdAsync(cancellationToken).ConfigureAwait(false) <= id;
    }

    /// <summary>
    /// Writes <paramref name="change"/> (given the id being written and the state it applies to;
    /// null: nothing to write) on top of <paramref name="start"/> as the next version. The change
    /// must be idempotent: a version that landed but did not count (<see cref="TryWriteAsync"/>)
    /// can be the newest one it is applied to again. On conflict
    /// the newest version is read and passed through <paramref name="reconcile"/>, which throws
    /// when it fences the caller and returns the state to apply the change to. Gives up with
    /// <see cref="ErrorKind.Unavailable"/> after <paramref name="timeout"/>.
    /// </summary>
    public async Task<(ulong Id, T State, bool Written)> UpdateAsync(
        (ulong Id, T State) start,
        Func<ulong, T, T?> change,
        Func<T, T>? reconcile,
        TimeProvider time,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        var (id, state) = start;
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (change(id + 1, state) is not { } next)
            {
                return (id, state, false);
            }

            CheckChange(state, next);

            if (await TryWriteAsync(id + 1, next, cancellationToken).ConfigureAwait(false))
            {
                return (id + 1, next, true);
            }

            (id, state) = await FollowAsync(id, state, cancellationToken).ConfigureAwait(false);
            if (reconcile is not null)
            {
                state = reconcile(state);
            }

            if (time.GetUtcNow() > deadline)
            {
                ThrowHelper.Unavailable($"{db}: {what} update kept conflicting for {timeout}");
            }
        }
    }
}
