using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Db.Checkpoints;

/// <summary>
/// Listing manifest versions with whether each decodes, and rolling a database back to an older
/// intact version by writing it again as the next version (RFC 0017). Nothing is overwritten or
/// deleted: versions are created with create-if-absent as every manifest write is.
/// </summary>
internal static class ManifestRollback
{
    public static async Task<IReadOnlyList<ManifestVersionInfo>> ListAsync(ManifestStore manifests, CancellationToken cancellationToken)
    {
        var result = new List<ManifestVersionInfo>();
        foreach (var (id, size, modified) in await ListedAsync(manifests, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var state = await manifests.TryLoadAsync(id, cancellationToken).ConfigureAwait(false);
                result.Add(state is null
                    ? new ManifestVersionInfo(id, size, false, "gone (collected since it was listed)") { LastModified = modified }
                    : new ManifestVersionInfo(id, size, true, null)
                    {
                        LastModified = modified,
                        WriterEpoch = state.WriterEpoch,
                        CompactorEpoch = state.CompactorEpoch,
                        ReplayAfterWalId = state.ReplayAfterWalId,
                        LastL0Seq = state.LastL0Seq,
                        L0Ssts = state.L0.Length,
                        SortedRuns = state.Compacted.Length,
                        Checkpoints = state.Checkpoints.Length,
                    });
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
                result.Add(new ManifestVersionInfo(id, size, false, e.Message) { LastModified = modified });
            }
        }

        return result;
    }

    public static async Task<ManifestRollbackResult> RollbackAsync(
        ManifestStore manifests, IObjectStore store, string db, ulong toId, bool discardWal, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var listed = await ListedAsync(manifests, cancellationToken).ConfigureAwait(false);
            if (!listed.Any(m => m.Id == toId))
            {
                ThrowHelper.Invalid($"{db}: there is no manifest {toId} to roll back to (manifests: {Describe(listed)})");
            }

            // Decoded before anything is checked, so a damaged target says so (Data, naming it).
            var target = await manifests.LoadAsync(toId, cancellationToken).ConfigureAwait(false);
            var latestId = listed[^1].Id;

            // A rollback decides on the WAL it lists in the main store (RFC 0022).
            Wal.WalObjects.CheckStoreConfiguration(target, db, separateStore: false);

            // The newest version that decodes bounds the epochs of the damaged ones after it: an
            // epoch grows by at most one per version (a claim writes WriterEpoch + 1, and so does
            // the compactor), so version V's epoch plus the number of versions after V exceeds the
            // epoch any of them can hold. The rollback takes that, so a writer or compactor still
            // running, whichever version it claimed, is fenced at its next manifest update.
            var (validId, valid) = await NewestDecodingAsync(manifests, listed, toId, cancellationToken).ConfigureAwait(false);
            if (validId == latestId && toId == latestId)
            {
                ThrowHelper.Invalid($"{db}: manifest {toId} is already the latest and decodes; there is nothing to roll back");
            }

            var newId = latestId + 1;
            var writerEpoch = valid.WriterEpoch + (newId - validId);
            var compactorEpoch = valid.CompactorEpoch + (newId - validId);

            await RequireSstsAsync(store, db, toId, target, cancellationToken).ConfigureAwait(false);

            // Checkpoints whose pinned version is gone or damaged would fail every reader and
            // collector that loads them; the others stay (their SSTs are what they pinned).
            var kept = new List<Checkpoint>();
            var dropped = new List<Guid>();
            foreach (var checkpoint in target.Checkpoints)
            {
                var ok = false;
                try
                {
                    ok = await manifests.TryLoadAsync(checkpoint.ManifestId, cancellationToken).ConfigureAwait(false) is not null;
                }
                catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
                {
                    // Damaged: dropped like a missing one.
                }

                if (ok)
                {
                    kept.Add(checkpoint);
                }
                else
                {
                    dropped.Add(CheckpointIds.ToGuid(checkpoint.Id));
                }
            }

            var (replayAfter, walLastSeen, fence) = await WalPointAsync(store, db, target, valid.ReplayAfterWalId, discardWal, cancellationToken).ConfigureAwait(false);
            var state = target with
            {
                WriterEpoch = writerEpoch,
                CompactorEpoch = compactorEpoch,
                ReplayAfterWalId = replayAfter,
                WalIdLastSeen = walLastSeen,
                Checkpoints = [.. kept],
            };

            if (await manifests.TryWriteAsync(newId, state, cancellationToken).ConfigureAwait(false))
            {
                return new ManifestRollbackResult(newId, toId, writerEpoch, compactorEpoch, replayAfter, fence, dropped);
            }

            if (attempt >= 10)
            {
                ThrowHelper.Unavailable($"{db}: the rollback's manifest {newId} kept losing to other manifest writes; stop the writer and compactor and try again");
            }
        }
    }

    private static async Task<List<(ulong Id, long Size, DateTimeOffset Modified)>> ListedAsync(ManifestStore manifests, CancellationToken cancellationToken)
    {
        var listed = new List<(ulong Id, long Size, DateTimeOffset Modified)>();
        await foreach (var meta in manifests.Store.ListAsync(DbPaths.DirPrefix(manifests.Db, DbPaths.ManifestDir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (manifests.TryParse(meta.Path, out var id))
            {
                listed.Add((id, meta.Size, meta.LastModified));
            }
        }

        if (listed.Count == 0)
        {
            ThrowHelper.Invalid($"no database at {manifests.Db} in {manifests.Store}");
        }

        listed.Sort();
        return listed;
    }

    private static string Describe(List<(ulong Id, long Size, DateTimeOffset Modified)> listed) =>
        listed.Count <= 10 ? string.Join(", ", listed.Select(m => m.Id)) : $"{listed[0].Id}..{listed[^1].Id}";

    private static async Task<(ulong Id, ManifestState State)> NewestDecodingAsync(ManifestStore manifests, List<(ulong Id, long Size, DateTimeOffset Modified)> listed, ulong floor, CancellationToken cancellationToken)
    {
        for (var i = listed.Count - 1; i >= 0 && listed[i].Id >= floor; i--)
        {
            try
            {
                if (await manifests.TryLoadAsync(listed[i].Id, cancellationToken).ConfigureAwait(false) is { } state)
                {
                    return (listed[i].Id, state);
                }
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
                // Damaged: look at the one before.
            }
        }

        throw new SlateFastException(ErrorKind.Data, $"manifest {floor} decoded a moment ago and no longer does");
    }

    // Every SST the target lists must still exist: the collector deletes SSTs that only older
    // versions list once they are old enough, and a manifest naming a missing SST fails reads.
    private static async Task RequireSstsAsync(IObjectStore store, string db, ulong toId, ManifestState target, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var id in target.AllViews().Select(v => v.Sst.Id).Distinct())
        {
            var path = DbPaths.CompactedSstPath(db, target.ExternalDbs, id);
            if (await store.HeadAsync(path, cancellationToken).ConfigureAwait(false) is null)
            {
                missing.Add(path);
            }
        }

        if (missing.Count > 0)
        {
            ThrowHelper.Data(
                $"{db}: cannot roll back to manifest {toId}: {missing.Count} of the SSTs it lists no longer exist (collected by garbage collection): "
                + $"{string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : string.Empty)}; roll back to a newer manifest");
        }
    }

    // Where replay starts after the rollback. The WAL objects after the target's replay point,
    // when all are still there, hold every write since the target: keeping its replay point
    // replays them, so the rollback loses nothing that reached the WAL. When the collector took
    // some, replaying the rest would apply later writes without earlier ones (not a prefix of the
    // commit order): refused, or with discardWal the replay point moves past every WAL object and
    // a fence, so the state is exactly the target's tables and no running writer adds to it.
    private static async Task<(ulong ReplayAfter, ulong LastSeen, ulong? Fence)> WalPointAsync(IObjectStore store, string db, ManifestState target, ulong newestReplayAfter, bool discardWal, CancellationToken cancellationToken)
    {
        var (ids, sizes) = await Wal.WalObjects.ListAsync(store, db, target.ReplayAfterWalId, cancellationToken).ConfigureAwait(false);

        // Every id up to the newest intact version's replay point was written (flushes covered
        // them), so those must be listed too: a WAL wholly collected up to there lists nothing.
        var through = Math.Max(newestReplayAfter, ids.Count > 0 ? ids.Max : 0);
        var contiguous = through <= target.ReplayAfterWalId
            || ((ulong)ids.Count == through - target.ReplayAfterWalId && ids.Min == target.ReplayAfterWalId + 1);
        if (contiguous && !discardWal)
        {
            return (target.ReplayAfterWalId, Math.Max(target.WalIdLastSeen, ids.Count > 0 ? ids.Max : 0), null);
        }

        if (!discardWal)
        {
            ThrowHelper.Data(
                $"{db}: the WAL after the target manifest's replay point {target.ReplayAfterWalId} is incomplete (objects up to {through} were written, {ids.Count} remain; the collector took the rest), "
                + "so the writes since that manifest cannot be replayed in order; roll back to a newer manifest, or pass --discard-wal "
                + "(RollbackManifestAsync discardWal) to return to exactly that manifest's tables");
        }

        var level = FormatDetection.Choose(FormatLevel.Detect, await FormatDetection.DetectAsync(store, db, target, sizes, cancellationToken).ConfigureAwait(false));
        var fence = (ids.Count > 0 ? ids.Max : target.ReplayAfterWalId) + 1;
        while (!(await store.PutIfAbsentAsync(DbPaths.WalSstPath(db, fence), Recovery.DbRecovery.FenceBytes(level), cancellationToken).ConfigureAwait(false)).Stored)
        {
            fence++;
        }

        return (fence, fence, fence);
    }
}
