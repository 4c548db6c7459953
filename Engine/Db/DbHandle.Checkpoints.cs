using Microsoft.Extensions.Logging;
using SlateFast.Db.Checkpoints;
using SlateFast.Manifest;

namespace SlateFast;

public sealed partial class DbHandle
{
    /// <summary>
    /// Creates a checkpoint: a manifest version that garbage collection keeps, with every SST and
    /// WAL object it needs, until the checkpoint expires or is deleted. Open a
    /// <see cref="DbReader"/> at it, or clone a database from it.
    /// </summary>
    /// <param name="scope"><see cref="CheckpointScope.All"/> flushes the WAL and the memtables first, so the checkpoint holds every write made before the call.</param>
    /// <param name="options">Lifetime, source checkpoint and name; null: no expiry.</param>
    /// <param name="cancellationToken">Cancels waiting; the checkpoint may still be created.</param>
    public async Task<CheckpointCreateResult> CreateCheckpointAsync(CheckpointScope scope = CheckpointScope.All, CheckpointOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly();
        options ??= CheckpointOptions.Default;
        options.Validate();
        if (scope == CheckpointScope.All)
        {
            if (_options.WalEnabled)
            {
                await FlushAsync(FlushType.Wal, cancellationToken).ConfigureAwait(false);
            }

            await FlushAsync(FlushType.MemTable, cancellationToken).ConfigureAwait(false);
        }

        Uuid id;
        lock (_random)
        {
            id = Uuid.NewV4(_random);
        }

        var now = _options.TimeProvider.GetUtcNow();
        var (manifestId, state) = await EditManifestAsync(
            (next, m) => CheckpointEdits.Add(WithDurableWal(m), next, id, options, now),
            cancellationToken).ConfigureAwait(false);
        var created = CheckpointEdits.Find(state, id)!;
        _log.LogInformation("created checkpoint {Id} of {Path} pinning manifest {Manifest} (written as {Written})", id, Path, created.ManifestId, manifestId);
        return new CheckpointCreateResult(CheckpointIds.ToGuid(id), created.ManifestId);
    }

    /// <summary>Sets checkpoint <paramref name="id"/> to expire <paramref name="lifetime"/> from now (null: never). Missing: <see cref="ErrorKind.Invalid"/>.</summary>
    public async Task<CheckpointInfo> RefreshCheckpointAsync(Guid id, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly();
        new CheckpointOptions { Lifetime = lifetime }.Validate();
        var uuid = CheckpointIds.FromGuid(id);
        var now = _options.TimeProvider.GetUtcNow();
        var (_, state) = await EditManifestAsync((_, m) => CheckpointEdits.Refresh(m, uuid, lifetime, now), cancellationToken).ConfigureAwait(false);
        return CheckpointInfo.From(CheckpointEdits.Find(state, uuid)!);
    }

    /// <summary>Deletes checkpoint <paramref name="id"/>; returns false when there was none.</summary>
    public async Task<bool> DeleteCheckpointAsync(Guid id, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly();
        var uuid = CheckpointIds.FromGuid(id);
        var found = false;
        await EditManifestAsync(
            (_, m) =>
            {
                var removed = CheckpointEdits.Remove(m, uuid);
                found = removed is not null;
                return removed;
            },
            cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>The checkpoints the latest manifest lists (re-read from the object store, so others' checkpoints show too).</summary>
    public async Task<IReadOnlyList<CheckpointInfo>> ListCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        var latest = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false);
        return latest is { } l ? [.. l.State.Checkpoints.Select(CheckpointInfo.From)] : [];
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            ThrowHelper.Invalid($"{Path} is open read-only");
        }

        ThrowIfClosed();
    }

    // Everything durable is either in L0 or in WAL objects up to the last one written, so a
    // checkpoint's manifest records that id as seen: its readers then replay those objects.
    private ManifestState WithDurableWal(ManifestState m) =>
        m with { WalIdLastSeen = Math.Max(m.WalIdLastSeen, LastWrittenWalId) };

    /// <summary>
    /// A manifest update whose change sees the id it will be written as and may decline (null);
    /// serialised with the flusher's updates and fenced like them.
    /// </summary>
    private async Task<(ulong Id, ManifestState State)> EditManifestAsync(Func<ulong, ManifestState, ManifestState?> change, CancellationToken token)
    {
        await _manifestLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var (id, state, _) = await ManifestEditor.ApplyAsync(
                _manifests, change, _options.TimeProvider, _options.ManifestUpdateTimeout, (_manifestId, CurrentManifest),
                CheckEpoch,
                token).ConfigureAwait(false);
            PublishManifest(id, state);
            return (id, state);
        }
        finally
        {
            _manifestLock.Release();
        }
    }
}
