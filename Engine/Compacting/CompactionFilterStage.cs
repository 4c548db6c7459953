using SlateFast.Format;
using SlateFast.Retention;

namespace SlateFast.Compacting;

/// <summary>
/// Runs a user's <see cref="ICompactionFilter"/> over the versions of one key that survived the
/// retention rules, and turns its decisions into the rows to write (newest first).
/// </summary>
/// <remarks>
/// SlateDB's filter drops a row outright, which lets an older version of the key (kept for a
/// snapshot, or in a sorted run below) become visible again; here a dropped value or tombstone is a
/// tombstone at its sequence number, and the retention rule for the oldest run (tombstones at the
/// old end of a key are not written) removes it where nothing lies beneath (RFC 0028). Values are
/// copied because a filter runs only when configured and its rows are few compared to the copy.
/// </remarks>
internal sealed class CompactionFilterStage
{
    private readonly ICompactionFilter _filter;
    private readonly string _db;
    private readonly bool _intoLastRun;
    private readonly List<KeyVersion> _rows = [];

    private CompactionFilterStage(ICompactionFilter filter, string db, bool intoLastRun)
    {
        _filter = filter;
        _db = db;
        _intoLastRun = intoLastRun;
    }

    /// <summary>The stage for one job, or null when no filter is configured.</summary>
    public static CompactionFilterStage? Create(ICompactionFilterSupplier? supplier, string db, CompactionPlan plan, in RetentionRules rules)
    {
        if (supplier is null)
        {
            return null;
        }

        var context = new CompactionJobContext(plan.Destination, rules.DropTombstones, rules.ClockTick, rules.MinSeq);
        ICompactionFilter? filter;
        try
        {
            filter = supplier.CreateFilter(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new SlateFastException(ErrorKind.Invalid, $"{db}: the compaction filter supplier failed for the compaction into sorted run {plan.Destination}: {e.Message}", e);
        }

        return new CompactionFilterStage(filter ?? ThrowHelper.Invalid<ICompactionFilter>($"{db}: the compaction filter supplier returned no filter"), db, rules.DropTombstones);
    }

    /// <summary>Starts a key.</summary>
    public void Start() => _rows.Clear();

    /// <summary>Asks the filter about one version (newest first) and records the outcome.</summary>
    public void Offer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong seq, RowKind kind, long? createTs, long? expireTs)
    {
        CompactionDecision decision;
        try
        {
            decision = _filter.Filter(new CompactionEntry(new Format.Rows.RowEntry(key, kind == RowKind.Tombstone ? default : value, seq, kind, expireTs, createTs)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new SlateFastException(ErrorKind.Invalid, $"{_db}: the compaction filter failed on key {Convert.ToHexString(key)} seq {seq}: {e.Message}", e);
        }

        switch (decision.Kind)
        {
            case CompactionDecisionKind.Keep:
                _rows.Add(new KeyVersion(seq, kind, kind == RowKind.Tombstone ? default : value.ToArray(), createTs, expireTs));
                break;
            case CompactionDecisionKind.Drop when kind == RowKind.Merge:
                break;
            case CompactionDecisionKind.Drop:
            case CompactionDecisionKind.Tombstone:
                _rows.Add(new KeyVersion(seq, RowKind.Tombstone, default, createTs, null));
                break;
            case CompactionDecisionKind.Value:
                _rows.Add(new KeyVersion(seq, RowKind.Value, decision.NewValue.ToArray(), createTs, expireTs));
                break;
            case CompactionDecisionKind.Merge:
                _rows.Add(new KeyVersion(seq, RowKind.Merge, decision.NewValue.ToArray(), createTs, expireTs));
                break;
            default:
                ThrowHelper.Invalid($"{_db}: the compaction filter returned decision {(int)decision.Kind}, which is not a CompactionDecisionKind");
                break;
        }
    }

    /// <summary>The rows to write for the key, newest first.</summary>
    public List<KeyVersion> Finish()
    {
        if (_intoLastRun)
        {
            while (_rows.Count > 0 && _rows[^1].Kind == RowKind.Tombstone)
            {
                _rows.RemoveAt(_rows.Count - 1);
            }
        }

        return _rows;
    }

    /// <summary>Tells the filter the job read its last row.</summary>
    public void End()
    {
        try
        {
            _filter.OnCompactionEnd();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new SlateFastException(ErrorKind.Invalid, $"{_db}: the compaction filter failed at the end of the compaction: {e.Message}", e);
        }
    }
}
