using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using SlateFast.Manifest;
using CompactionRecord = SlateFast.Manifest.Compaction;

namespace SlateFast.Compacting;

/// <summary>The compactor's reads and writes of the manifest and the compactions file.</summary>
internal sealed partial class Compactor
{
    // SlateDB's FenceableManifest.init_compactor then FenceableCompactions.init_with_epoch.
    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        var latest = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {_db}");
        var (id, state) = latest;
        if (!state.Initialized)
        {
            ThrowHelper.Invalid($"{_db}: the database is not initialized (a clone still being set up)");
        }

        if (_options.FormatLevel == FormatLevel.Detect)
        {
            // WAL fences are the writer's business; filters and the compactions format are what differ here.
            _options = _options with { FormatLevel = await FormatDetection.DetectAsync(_store, _db, state, [], cancellationToken).ConfigureAwait(false) };
        }

        _compactionsStore.WriteVersion = CompactionsStore.VersionFor(_options.FormatLevel);

        (id, state, _) = await _manifests.UpdateAsync(
            (id, state),
            (_, s) => s with { CompactorEpoch = s.CompactorEpoch + 1 },
            reconcile: null,
            _options.TimeProvider,
            _options.ManifestUpdateTimeout,
            cancellationToken).ConfigureAwait(false);
        (_manifestId, _manifest, Epoch) = (id, state, state.CompactorEpoch);

        var stored = await _compactionsStore.LoadLatestAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            var empty = new CompactionsState(0, []);
            stored = await _compactionsStore.TryWriteAsync(1, empty, cancellationToken).ConfigureAwait(false)
                ? (1, empty)
                : await _compactionsStore.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new SlateFastException(ErrorKind.Unavailable, $"{_db}: compactions file 1 exists but cannot be listed");
        }

        // The compactions format never goes down: a format 2 file already shuts SlateDB 0.12
        // compactors out, and rewriting it as format 1 would drop what only format 2 holds
        // (stored destinations), which compactions still to run depend on.
        if (stored.Value.State.FormatVersion > _compactionsStore.WriteVersion)
        {
            _log.LogInformation("compactor of {Db} keeps the compactions file at format {Version} (level {Level} writes {Lower})", _db, stored.Value.State.FormatVersion, _options.FormatLevel, _compactionsStore.WriteVersion);
            _compactionsStore.WriteVersion = stored.Value.State.FormatVersion;
        }

        (_compactionsId, _compactions, _) = await _compactionsStore.UpdateAsync(
            stored.Value,
            (_, compactions) =>
            {
                if (compactions.CompactorEpoch > Epoch)
                {
                    Fence($"a newer compactor holds epoch {compactions.CompactorEpoch} in the compactions file (ours {Epoch})");
                }

                // Our epoch is unique (claimed through the manifest), so a file holding it holds
                // our own claim, landed on an attempt reported as failed: already applied.
                if (compactions.CompactorEpoch == Epoch)
                {
                    return null;
                }

                // Compactions in flight when their compactor stopped start over, here: SlateDB
                // 0.14's Scheduled and Compacted ones too, whose workers the new epoch fences.
                // Outputs not in the manifest are dropped (the collector removes their SSTs).
                var recent = compactions.Recent
                    .Select(c => c.Status is CompactionStatus.Running or CompactionStatus.Scheduled or CompactionStatus.Compacted
                        ? c with { Status = CompactionStatus.Submitted, Worker = null, Context = null, OutputSsts = [] }
                        : c)
                    .ToImmutableArray();
                return Retain(new CompactionsState(Epoch, recent));
            },
            reconcile: null,
            _options.TimeProvider,
            _options.ManifestUpdateTimeout,
            cancellationToken).ConfigureAwait(false);

        _log.LogInformation("compactor of {Db} claimed epoch {Epoch} (manifest {Manifest}, compactions {Compactions})", _db, Epoch, _manifestId, _compactionsId);
    }

    // Compactions first, then the manifest, as SlateDB reads them.
    private async Task RefreshLockedAsync(CancellationToken cancellationToken)
    {
        var (cid, remote) = await _compactionsStore.FollowAsync(_compactionsId, _compactions, cancellationToken).ConfigureAwait(false);
        if (cid != _compactionsId)
        {
            CheckEpoch(remote.CompactorEpoch, "compactions file");
            _compactions = MergeRemote(remote);
            _compactionsId = cid;
        }

        var (id, manifest) = await _manifests.FollowAsync(_manifestId, _manifest, cancellationToken).ConfigureAwait(false);
        CheckEpoch(manifest.CompactorEpoch, "manifest");
        (_manifestId, _manifest) = (id, manifest);
    }

    private async Task WriteCompactionsLockedAsync(CancellationToken cancellationToken)
    {
        (_compactionsId, _compactions, _) = await _compactionsStore.UpdateAsync(
            (_compactionsId, _compactions),
            (_, local) => Retain(local),
            reconcile: remote =>
            {
                CheckEpoch(remote.CompactorEpoch, "compactions file");
                return MergeRemote(remote);
            },
            _options.TimeProvider,
            _options.ManifestUpdateTimeout,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes manifest N+1 from <paramref name="change"/> applied to the newest version N (given N+1,
    /// the id being written); re-reads and re-applies on conflict. A null change means nothing to write.
    /// </summary>
    private async Task UpdateManifestLockedAsync(Func<ulong, ManifestState, ManifestState?> change, CancellationToken cancellationToken)
    {
        (_manifestId, _manifest) = await _manifests.FollowAsync(_manifestId, _manifest, cancellationToken).ConfigureAwait(false);
        CheckEpoch(_manifest.CompactorEpoch, "manifest");
        (_manifestId, _manifest, _) = await _manifests.UpdateAsync(
            (_manifestId, _manifest),
            change,
            reconcile: manifest =>
            {
                CheckEpoch(manifest.CompactorEpoch, "manifest");
                return manifest;
            },
            _options.TimeProvider,
            _options.ManifestUpdateTimeout,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task FinishLockedAsync(Ulid id, CompactionPlan plan, CompactionResult result, CancellationToken cancellationToken)
    {
        // A result that no longer fits the newest manifest fails before anything is written.
        await RefreshLockedAsync(cancellationToken).ConfigureAwait(false);
        ApplyResult(_manifest, plan, result.Outputs);

        // Pin the version that still lists the sources, for readers in flight (SlateDB: 15 minutes).
        Uuid checkpoint;
        lock (_random)
        {
            checkpoint = Uuid.NewV4(_random);
        }

        var now = _options.TimeProvider.GetUtcNow();
        await UpdateManifestLockedAsync(
            (next, m) => m.Checkpoints.Any(c => c.Id == checkpoint) ? null : m with
            {
                Checkpoints = m.Checkpoints.Add(new Checkpoint(checkpoint, next, (uint)(now + CheckpointLifetime).ToUnixTimeSeconds(), (uint)now.ToUnixTimeSeconds())),
            },
            cancellationToken).ConfigureAwait(false);
        await UpdateManifestLockedAsync((_, m) => ApplyResult(m, plan, result.Outputs), cancellationToken).ConfigureAwait(false);
        SetStatus(id, CompactionStatus.Completed, result.Outputs);
        await WriteCompactionsLockedAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _completed);
        Interlocked.Add(ref _bytesRead, result.BytesRead);
        Interlocked.Add(ref _bytesWritten, result.BytesWritten);
        _log.LogInformation(
            "compaction {Id} {Plan} in {Db} committed in manifest {Manifest}: {Rows} of {RowsRead} rows, {Ssts} SSTs, {Bytes} bytes",
            id, plan, _db, _manifestId, result.RowsWritten, result.RowsRead, result.Outputs.Length, result.BytesWritten);
        if (_onCommit is not null)
        {
            await _onCommit(_manifestId, _manifest).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The newest manifest with the compaction applied: exactly the compacted L0 views and source
    /// runs removed, the output run inserted by descending id, the last compacted L0 set to the
    /// newest source L0. Null when this very result is already there (an earlier attempt landed).
    /// </summary>
    internal static ManifestState? ApplyResult(ManifestState m, CompactionPlan plan, ImmutableArray<CompactedSst> outputs)
    {
        if (plan.Segment.IsEmpty)
        {
            return ApplyToTree(m, plan, outputs);
        }

        // A segment's tree is changed as a manifest of its own and put back; a drain that already
        // landed left no segment (or none of its sources) behind.
        if (m.Tree(plan.Segment.Span) is not { } tree
            || (plan.IsDrain && !plan.L0Views.Any(v => tree.L0.Any(l => l.Id == v)) && !plan.SortedRuns.Any(r => tree.Compacted.Any(c => c.Id == r))))
        {
            if (!plan.IsDrain)
            {
                ThrowHelper.Internal($"compaction {plan}: its segment is no longer in the manifest");
            }

            return null;
        }

        return ApplyToTree(tree, plan, outputs) is { } changed ? m.WithTree(plan.Segment.Span, changed) : null;
    }

    private static ManifestState? ApplyToTree(ManifestState m, CompactionPlan plan, ImmutableArray<CompactedSst> outputs)
    {
        if (!outputs.IsEmpty && m.Compacted.Any(r => r.Id == plan.Destination && r.Ssts.Length > 0 && r.Ssts[0].Sst.Id == outputs[0].Id))
        {
            return null;
        }

        var views = plan.L0Views.ToHashSet();
        if (plan.L0Views.Any(id => !m.L0.Any(v => v.Id == id)) || plan.SortedRuns.Any(r => !m.Compacted.Any(c => c.Id == r)))
        {
            ThrowHelper.Internal($"compaction {plan}: its sources are no longer all in the manifest");
        }

        var output = new SortedRun(plan.Destination, [.. outputs.Select(SstView.Whole)]);
        var runs = ImmutableArray.CreateBuilder<SortedRun>();
        var inserted = outputs.IsEmpty || plan.IsDrain;
        foreach (var run in m.Compacted)
        {
            if (!inserted && plan.Destination >= run.Id)
            {
                runs.Add(output);
                inserted = true;
            }

            if (!plan.Touches(run.Id))
            {
                runs.Add(run);
            }
        }

        if (!inserted)
        {
            runs.Add(output);
        }

        var state = m with { L0 = [.. m.L0.Where(v => !views.Contains(v.Id))], Compacted = runs.ToImmutable() };
        if (plan.HasL0)
        {
            var newest = m.L0.First(v => v.Id == plan.L0Views[0]);
            state = state with { LastCompactedL0SstViewId = newest.Id, LastCompactedL0SstId = newest.Sst.Id };
        }

        return state;
    }

    // Ours, plus Submitted compactions another process (an admin tool) added; finished ones: the newest only.
    private CompactionsState MergeRemote(CompactionsState remote)
    {
        var merged = _compactions.Recent.ToList();
        foreach (var c in remote.Recent)
        {
            if (c.Status == CompactionStatus.Submitted && !merged.Any(m => m.Id == c.Id))
            {
                merged.Add(c);
            }
        }

        return Retain(new CompactionsState(Epoch, [.. merged]));
    }

    private static CompactionsState Retain(CompactionsState state)
    {
        var finished = state.Recent.Where(c => !IsActive(c)).Select(c => c.Id).DefaultIfEmpty().Max();
        return state with { Recent = [.. state.Recent.Where(c => IsActive(c) || c.Id == finished).OrderBy(c => c.Id)] };
    }

    private void CheckEpoch(ulong stored, string where)
    {
        if (stored > Epoch)
        {
            Fence($"a newer compactor took over (epoch {stored} in the {where}, ours {Epoch})");
        }

        if (stored < Epoch)
        {
            ThrowHelper.Internal($"{_db}: the {where} holds compactor epoch {stored}, lower than ours ({Epoch})");
        }
    }

    private void Fence(string message)
    {
        var e = new SlateFastException(ErrorKind.Closed, CloseReason.Fenced, $"{_db}: {message}");
        Interlocked.CompareExchange(ref _fenced, e, null);
        throw e;
    }
}
