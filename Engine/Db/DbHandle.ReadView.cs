using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast;

public sealed partial class DbHandle
{
    /// <summary>
    /// A read-only handle with no state yet, for a <see cref="DbReader"/> to fill with
    /// <see cref="InstallReadState"/>: the reader decides which manifest and WAL rows it shows, and
    /// reads go through this handle's ordinary read path.
    /// </summary>
    internal static DbHandle CreateReadView(string path, IObjectStore store, DbOptions options)
    {
        var view = new DbHandle(path, ObjectStore.StorePipeline.ForDatabase(store, path, options.ObjectStoreCache), options) { _readOnly = true };
        view.PublishReadState(new Db.ReadState(new Db.MemtableSet(new Memtables.Memtable(4096), []), ManifestState.Initial));
        return view;
    }

    /// <summary>
    /// Shows <paramref name="manifest"/> and <paramref name="memtables"/> from now on. The handle
    /// takes over one reference of every memtable in the new set and drops its references to the
    /// old memtables the new set does not keep. The manifest is published before the memtables:
    /// reads take memtables first, so a read never pairs new memtables (which start after the new
    /// manifest's L0) with the old manifest.
    /// </summary>
    internal bool InstallReadState(ulong manifestId, ManifestState manifest, Db.MemtableSet memtables, ulong lastSeq)
    {
        Db.MemtableSet? old;
        lock (_commitLock)
        {
            if (_state == StateClosed)
            {
                old = null;
            }
            else
            {
                _manifestId = manifestId;
                old = Memtables;
                PublishReadState(new Db.ReadState(memtables, manifest));
                _lastSeq = lastSeq;
                Volatile.Write(ref _visibleSeq, lastSeq);
                Volatile.Write(ref _durableSeq, lastSeq);
            }
        }

        if (old is null)
        {
            foreach (var m in memtables.NewestFirst)
            {
                m.Release();
            }

            return false;
        }

        var kept = memtables.NewestFirst.ToHashSet();
        foreach (var m in old.NewestFirst)
        {
            if (!kept.Contains(m))
            {
                m.Release();
            }
        }

        return true;
    }
}
