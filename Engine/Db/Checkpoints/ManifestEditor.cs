using SlateFast.Manifest;

namespace SlateFast.Db.Checkpoints;

/// <summary>
/// "Read latest N, change, write N+1 create-only; on conflict re-read and change again" (spec
/// §10.2) for components that own no epoch: admin checkpoint edits, the garbage collector's
/// checkpoint expiry and readers' checkpoints. Their changes touch only the checkpoint list, so
/// re-applying them on top of a writer's or compactor's newer version is always valid.
/// </summary>
internal static class ManifestEditor
{
    /// <summary>
    /// Applies <paramref name="change"/> (given the id the new version will get and the current
    /// state; null: nothing to write) starting from <paramref name="start"/>, or the latest version
    /// when null. Returns the version written, or the latest one when there was nothing to do.
    /// </summary>
    public static async Task<(ulong Id, ManifestState State, bool Written)> ApplyAsync(
        ManifestStore manifests,
        Func<ulong, ManifestState, ManifestState?> change,
        TimeProvider time,
        TimeSpan timeout,
        (ulong Id, ManifestState State)? start = null,
        Action<ManifestState>? onConflict = null,
        CancellationToken cancellationToken = default)
    {
        var (id, state) = start ?? await manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {manifests.Db} in {manifests.Store}");
        Func<ManifestState, ManifestState>? reconcile = onConflict is null ? null : s =>
        {
            onConflict(s);
            return s;
        };
        return await manifests.UpdateAsync((id, state), change, reconcile, time, timeout, cancellationToken).ConfigureAwait(false);
    }
}
