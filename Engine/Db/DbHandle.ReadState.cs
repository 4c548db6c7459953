using SlateFast.Manifest;

namespace SlateFast;

public sealed partial class DbHandle
{
    // Guards every replacement of _view (each one reads the other half of the state), and nothing
    // else. Innermost: taken under _commitLock (memtable swaps) or under _manifestLock (manifest
    // versions), never the other way round.
    private readonly Lock _viewLock = new();

    // Written under _viewLock, read without a lock: a read takes it once and consults only that.
    private Db.ReadState _view = new(null, ManifestState.Initial);

    /// <summary>The memtables and manifest a read starting now consults, as one consistent pair.</summary>
    internal Db.ReadState View => Volatile.Read(ref _view);

    /// <summary>The memtables (active, then frozen newest first); null once closed.</summary>
    internal Db.MemtableSet? Memtables => Volatile.Read(ref _view).Memtables;

    internal ManifestState CurrentManifest => Volatile.Read(ref _view).Manifest;

    // Under _commitLock, which orders every change of the memtable set (or before the database is shared).
    private void PublishMemtables(Db.MemtableSet? memtables)
    {
        lock (_viewLock)
        {
            Volatile.Write(ref _view, _view with { Memtables = memtables });
        }

        StatusChanged();
    }

    // Under _manifestLock (or before the database is shared). A flush's version lists the
    // memtable's L0, so the memtable leaves the set in the same step: no read sees both, nor neither.
    private void PublishManifest(ulong id, ManifestState manifest, Memtables.Memtable? flushed = null)
    {
        if (flushed is null)
        {
            lock (_viewLock)
            {
                _manifestId = id;
                Volatile.Write(ref _view, _view with { Manifest = manifest });
            }

            StatusChanged();
            return;
        }

        lock (_commitLock)
        {
            lock (_viewLock)
            {
                _manifestId = id;
                var memtables = _view.Memtables is { } set ? set with { Frozen = set.Frozen.Remove(flushed) } : null;
                Volatile.Write(ref _view, new Db.ReadState(memtables, manifest));
            }
        }

        StatusChanged();
    }

    private void PublishReadState(Db.ReadState state)
    {
        lock (_viewLock)
        {
            Volatile.Write(ref _view, state);
        }

        StatusChanged();
    }
}
