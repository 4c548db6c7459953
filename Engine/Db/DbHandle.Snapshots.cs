namespace SlateFast;

public sealed partial class DbHandle
{
    // Live snapshot sequence numbers with their counts; memtable flushes keep every version one of
    // them can still read.
    private readonly SortedDictionary<ulong, int> _snapshots = [];

    /// <summary>A consistent view of everything written so far.</summary>
    public DbSnapshot Snapshot()
    {
        lock (_commitLock)
        {
            if (_state == StateClosed)
            {
                ThrowClosed();
            }

            // While an ingestion installs, its sequence number is taken but its rows are not yet
            // visible: a snapshot must not start seeing them later.
            var seq = _pendingIngestSeq != 0 ? _pendingIngestSeq - 1 : _lastSeq;
            _snapshots[seq] = _snapshots.GetValueOrDefault(seq) + 1;
            return new DbSnapshot(this, seq);
        }
    }

    internal void ReleaseSnapshot(ulong seq)
    {
        lock (_commitLock)
        {
            if (_snapshots.TryGetValue(seq, out var count))
            {
                if (count <= 1)
                {
                    _snapshots.Remove(seq);
                }
                else
                {
                    _snapshots[seq] = count - 1;
                }
            }
        }
    }

    /// <summary>Live snapshot sequence numbers, ascending.</summary>
    internal ulong[] SnapshotSeqs()
    {
        lock (_commitLock)
        {
            return [.. _snapshots.Keys];
        }
    }
}
