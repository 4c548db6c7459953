using Microsoft.Extensions.Logging;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Manifest;
using SlateFast.Memtables;
using SlateFast.Sst;
using SlateFast.Wal;

namespace SlateFast;

public sealed partial class DbHandle
{
    // A read-only open: a manifest (or a checkpoint's) and the WAL after it, nothing written.
    private async Task RecoverReadOnlyAsync(Uuid? checkpoint, CancellationToken cancellationToken) =>
        Install(await Recovery.DbRecovery.OpenReadOnlyAsync(_store, _walStore, _manifests, Path, _options, checkpoint, NewMemtable, _log, cancellationToken).ConfigureAwait(false));

    // A writer's open: the epoch claimed, older writers fenced, the WAL replayed (DbRecovery).
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var recovered = await Recovery.DbRecovery.OpenWriterAsync(_store, _walStore, _manifests, Path, _options, NewMemtable, _log, cancellationToken).ConfigureAwait(false);
        _options = recovered.Options;
        _writerEpoch = recovered.Manifest.WriterEpoch;
        _walCutBefore = recovered.WalCutBefore;
        _fenceWalId = recovered.FenceWalId;
        Install(recovered);
        if (_options.SegmentExtractor is { } extractor)
        {
            // Replayed rows may open segments the manifest does not list yet; the antichain check
            // of new writes must see them too.
            _segments = new Segments.SegmentRouter(extractor, recovered.Manifest.Segments.Select(s => s.Prefix));
            foreach (var m in recovered.Replayed.NewestFirst)
            {
                _segments.Learn(_segments.SegmentsOf(m.Rows).Select(p => p.Prefix));
            }
        }

        _wal = _options.WalEnabled ? new WalWriter(_walStore, Path, _options, _commitLock, this, recovered.FenceWalId) : null;
    }

    // Before the database is shared: the recovered manifest and memtables become the read state
    // (the open replayed memtable stays active, writes continue in it; the frozen ones wait for
    // the flusher, their bytes unflushed), and sequence numbers and clock continue after them.
    private void Install(Recovery.Recovered recovered)
    {
        var replayed = recovered.Replayed;
        var frozen = replayed.Open is null ? replayed.NewestFirst : replayed.NewestFirst.Skip(1);
        _manifestId = recovered.ManifestId;
        PublishReadState(new Db.ReadState(new Db.MemtableSet(replayed.Open ?? NewMemtable(0), [.. frozen]), recovered.Manifest));
        foreach (var m in replayed.NewestFirst)
        {
            _unflushedBytes += m.EstimatedSize;
        }

        _lastSeq = recovered.MaxSeq;
        _visibleSeq = recovered.MaxSeq;
        _durableSeq = recovered.MaxSeq;
        _clock.AtLeast(recovered.MaxTick);
    }

    /// <summary>
    /// With <see cref="WalRecoveryMode.PointInTime"/>: the damaged WAL id the replay stopped
    /// before; null when the whole WAL replayed.
    /// </summary>
    private ulong? _walCutBefore;

    /// <summary>
    /// Makes a point-in-time cut permanent before the handle takes its first write: the replayed
    /// rows go to L0 and the replay point moves to the fence, past every damaged or discarded id.
    /// Without this, a write acknowledged now would sit in a WAL object after the damaged one and
    /// be dropped by the next point-in-time open (or block every strict one).
    /// </summary>
    private async Task MakeWalCutPermanentAsync(CancellationToken cancellationToken)
    {
        if (_walCutBefore is not { } cut)
        {
            return;
        }

        await FlushAsync(FlushType.MemTable, cancellationToken).ConfigureAwait(false);
        var fence = LastWrittenWalId;
        await UpdateManifestAsync(
            m => m.ReplayAfterWalId >= fence ? null : m with { ReplayAfterWalId = fence, WalIdLastSeen = Math.Max(m.WalIdLastSeen, fence) },
            cancellationToken).ConfigureAwait(false);
        _log.LogWarning("{Path}: replay point moved past discarded WAL objects {Cut}..{Fence}", Path, cut, fence);
    }
}
