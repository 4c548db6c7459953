using SlateFast.Iterators;

namespace SlateFast.Transactions;

/// <summary>
/// The keys of writes committed while transactions run, by sequence number, so a committing
/// transaction can ask "did anything that committed after my start touch what I wrote or read?".
/// </summary>
/// <remarks>
/// Every write is recorded, transactional or not, because a plain put that lands between a
/// transaction's read and its commit is as much a lost update as a transactional one (RocksDB's
/// optimistic transactions check any newer write too). Recording happens only while at least one
/// transaction runs, so the plain write path allocates nothing otherwise, and an entry is dropped
/// once no running transaction started before it: the bookkeeping is bounded by what running
/// transactions can conflict with. Sequence numbers, not wall time, order everything, so this
/// holds with user-supplied sequence numbers as long as they increase. All members are called
/// under the database's commit lock.
/// </remarks>
internal sealed class ConflictTracker
{
    // Start sequence numbers of running transactions, with counts (several may share one).
    private readonly SortedDictionary<ulong, int> _running = [];

    // Committed write sets in sequence order (ascending: commits append under the commit lock).
    // An ingestion is recorded as the key range it covers rather than its (many) keys.
    private readonly Queue<(ulong Seq, byte[][] Keys, KeyRange? Range)> _committed = new();

    public bool Active => _running.Count > 0;

    /// <summary>How many committed write sets are kept; for tests of the bound.</summary>
    public int RetainedWrites => _committed.Count;

    public void Begin(ulong startSeq) => _running[startSeq] = _running.GetValueOrDefault(startSeq) + 1;

    public void End(ulong startSeq)
    {
        if (_running.TryGetValue(startSeq, out var count))
        {
            if (count <= 1)
            {
                _running.Remove(startSeq);
            }
            else
            {
                _running[startSeq] = count - 1;
            }
        }

        Prune();
    }

    public void RecordWrite(ulong seq, ReadOnlySpan<byte> key) => _committed.Enqueue((seq, [key.ToArray()], null));

    public void RecordWrites(ulong seq, byte[][] keys) => _committed.Enqueue((seq, keys, null));

    /// <summary>Records a write of possibly every key from <paramref name="first"/> to <paramref name="last"/> (an ingestion).</summary>
    public void RecordRange(ulong seq, byte[] first, byte[] last) =>
        _committed.Enqueue((seq, [], new KeyRange(KeyBound.Included(first), KeyBound.Included(last))));

    /// <summary>
    /// The first key written after <paramref name="startSeq"/> that is in <paramref name="written"/>,
    /// in <paramref name="read"/> or inside one of <paramref name="ranges"/>; null when there is none.
    /// </summary>
    public byte[]? FindConflict(ulong startSeq, IReadOnlySet<byte[]> written, IReadOnlySet<byte[]>? read, IReadOnlyList<KeyRange>? ranges)
    {
        foreach (var (seq, keys, range) in _committed)
        {
            if (seq <= startSeq)
            {
                continue;
            }

            if (range is not null && RangeConflict(range, written, read, ranges) is { } hit)
            {
                return hit;
            }

            foreach (var key in keys)
            {
                if (written.Contains(key) || (read?.Contains(key) ?? false))
                {
                    return key;
                }

                if (ranges is not null)
                {
                    foreach (var scanned in ranges)
                    {
                        if (scanned.Contains(key))
                        {
                            return key;
                        }
                    }
                }
            }
        }

        return null;
    }

    private static byte[]? RangeConflict(KeyRange written, IReadOnlySet<byte[]> writes, IReadOnlySet<byte[]>? reads, IReadOnlyList<KeyRange>? ranges)
    {
        foreach (var key in writes)
        {
            if (written.Contains(key))
            {
                return key;
            }
        }

        foreach (var key in reads ?? (IEnumerable<byte[]>)[])
        {
            if (written.Contains(key))
            {
                return key;
            }
        }

        foreach (var scanned in ranges ?? [])
        {
            if (!scanned.Intersect(written).IsEmpty)
            {
                return written.Start.Key.ToArray();
            }
        }

        return null;
    }

    // A write at or below the oldest running start can conflict with nobody still running.
    private void Prune()
    {
        if (_running.Count == 0)
        {
            _committed.Clear();
            return;
        }

        var oldest = _running.Keys.First();
        while (_committed.TryPeek(out var head) && head.Seq <= oldest)
        {
            _committed.Dequeue();
        }
    }
}
