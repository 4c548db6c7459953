using Microsoft.Extensions.Logging;
using SlateFast.Db.Checkpoints;
using SlateFast.Manifest;

namespace SlateFast;

public sealed partial class DbReader
{
    // Checkpoints that snapshots still read through, with how many do. Guarded by itself. A
    // replaced checkpoint that is pinned stays in the manifest (retired) until its last snapshot
    // goes; the next poll then removes it, and refreshes the retired ones still pinned.
    private readonly Dictionary<Uuid, int> _pins = [];
    private readonly HashSet<Uuid> _retired = [];

    /// <summary>
    /// A snapshot of what the reader shows now that stays consistent across any number of reads,
    /// whatever the reader's polls bring meanwhile. Dispose it when done.
    /// </summary>
    public async Task<DbReaderSnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        // Under the refresh lock no poll installs a new state, so the state's memtables are live
        // and the checkpoint named is the one that protects it.
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _view.ThrowIfClosed();
            var state = _view.View;
            var set = state.Memtables ?? throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"{Path}: the reader is closed");
            var held = new List<Memtables.Memtable>();
            foreach (var memtable in set.NewestFirst)
            {
                if (!memtable.TryAcquire())
                {
                    ThrowHelper.Internal("a reader's memtable was released while its state was installed");
                }

                held.Add(memtable);
            }

            var pinned = _mode == DbReaderMode.ManagedCheckpoint ? _checkpointBox?.Id : null;
            if (pinned is { } id)
            {
                lock (_pins)
                {
                    _pins[id] = _pins.GetValueOrDefault(id) + 1;
                }
            }

            return new DbReaderSnapshot(_view, state, [.. held], LastSeq, ManifestId, () => Unpin(pinned));
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private void Unpin(Uuid? id)
    {
        if (id is not { } pinned)
        {
            return;
        }

        lock (_pins)
        {
            if (_pins.GetValueOrDefault(pinned) <= 1)
            {
                _pins.Remove(pinned);
            }
            else
            {
                _pins[pinned]--;
            }
        }
    }

    // Whether a checkpoint being replaced may leave the manifest now; if not it is retired.
    private bool ReleasableOrRetire(Uuid old)
    {
        lock (_pins)
        {
            if (!_pins.ContainsKey(old))
            {
                return true;
            }

            _retired.Add(old);
            return false;
        }
    }

    // Under _refreshLock: removes retired checkpoints no snapshot reads any more, and keeps the
    // ones still read from expiring.
    private async Task TendRetiredCheckpointsAsync(CancellationToken cancellationToken)
    {
        Uuid[] free, held;
        lock (_pins)
        {
            free = [.. _retired.Where(id => !_pins.ContainsKey(id))];
            held = [.. _retired.Where(_pins.ContainsKey)];
        }

        if (free.Length > 0)
        {
            await RemoveCheckpointsAsync(free, cancellationToken).ConfigureAwait(false);
            lock (_pins)
            {
                _retired.ExceptWith(free);
            }
        }

        foreach (var id in held)
        {
            await RefreshCheckpointIfHalfOverAsync(id, cancellationToken).ConfigureAwait(false);
        }
    }

    // At dispose: every retired checkpoint goes with the reader's own.
    private Uuid[] RetiredCheckpoints()
    {
        lock (_pins)
        {
            return [.. _retired];
        }
    }

    private void WarnIfSnapshotsOpen()
    {
        lock (_pins)
        {
            if (_pins.Count > 0)
            {
                _log.LogWarning("reader of {Path} closes with {Count} snapshots still open; they read nothing more", Path, _pins.Values.Sum());
            }
        }
    }
}
