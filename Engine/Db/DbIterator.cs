using System.Runtime.CompilerServices;
using SlateFast.Format;
using SlateFast.Iterators;

namespace SlateFast;

/// <summary>
/// The rows of a scan, in key order, each key's newest version visible to the scan. Enumerate it
/// with <c>await foreach</c>, or step with <see cref="NextAsync"/> and reposition with
/// <see cref="SeekAsync"/>. Holds the memtables and blocks it reads until disposed, so it stays
/// valid while writes, flushes and compactions go on.
/// </summary>
public sealed class DbIterator : IAsyncEnumerable<KeyValue>, IAsyncDisposable
{
    private readonly DbHandle _db;
    private readonly KeyRange _range;
    private readonly ScanOptions _options;
    private readonly ulong _seq;
    private MergeIterator? _merge;
    private bool _positioned;
    private long _hideAt = long.MinValue;
    private bool _done;
    private bool _disposed;

    // Whether MoveNextAsync left the merge iterator on a row the caller may read, and that row's
    // folded value when it is a merge row.
    private bool _onRow;
    private byte[]? _folded;

    // What the scan reads, fixed at creation: a read state with its memtables held (until the
    // first step hands them to row sources, or disposal), and the sequence number taken after it.
    private readonly Db.ReadState _state;
    private Memtables.Memtable[]? _held;

    /// <summary>
    /// A scan of <paramref name="range"/> at the newest sequence number its options allow, at most
    /// <paramref name="ceiling"/> (a snapshot's); or, given <paramref name="start"/>, exactly that
    /// state and sequence number when its memtables can still be held (a lookup's merge
    /// resolution continues the lookup), and a new start otherwise.
    /// </summary>
    internal DbIterator(DbHandle db, KeyRange range, ScanOptions options, ulong ceiling, (Db.ReadState State, ulong Seq)? start = null)
    {
        _db = db;
        _range = range;
        _options = options;
        if (start is { } given && TryHold(db, given.State) is { } held)
        {
            (_state, _held, _seq) = (given.State, held, given.Seq);
            return;
        }

        (_state, _held, _seq) = Capture(db, options, ceiling);
    }

    /// <summary>
    /// What a scan reads, taken as every scan takes it: the state first, then the sequence number
    /// (why: DbHandle.LookupAsync), with the state's memtables acquired for the caller to release.
    /// </summary>
    internal static (Db.ReadState State, Memtables.Memtable[] Held, ulong Seq) Capture(DbHandle db, ScanOptions options, ulong ceiling)
    {
        while (true)
        {
            var state = db.View;
            if (TryHold(db, state) is { } memtables)
            {
                return (state, memtables, Math.Min(ceiling, db.ReadSeq(options.DurabilityFilter, options.Dirty)));
            }
        }
    }

    // The state's memtables newest first, each acquired; null when one was released meanwhile
    // (flushed into a newer state's L0). Frozen memtables the state's manifest already covers are left out.
    private static Memtables.Memtable[]? TryHold(DbHandle db, Db.ReadState state)
    {
        var set = state.Memtables ?? throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"{db.Path}: the database is closed");
        var held = new Memtables.Memtable[1 + set.Frozen.Length];
        var count = 0;
        foreach (var memtable in set.NewestFirst)
        {
            if (memtable != set.Active && state.Covers(memtable))
            {
                continue;
            }

            if (!memtable.TryAcquire())
            {
                foreach (var m in held.AsSpan(0, count))
                {
                    m.Release();
                }

                return null;
            }

            held[count++] = memtable;
        }

        return count == held.Length ? held : held[..count];
    }

    /// <summary>The key range the scan covers.</summary>
    public KeyRange Range => _range;

    /// <summary>The next row as a new <see cref="KeyValue"/> (its own copies of key and value), or null after the last.</summary>
    public async ValueTask<KeyValue?> NextAsync(CancellationToken cancellationToken = default) =>
        await MoveNextAsync(cancellationToken).ConfigureAwait(false)
            ? new KeyValue(Key.ToArray(), _folded ?? Value.ToArray(), Seq, CreateTs, ExpireTs)
            : null;

    /// <summary>
    /// Moves to the next row without copying it: <see cref="Key"/>, <see cref="Value"/> and the
    /// row's metadata describe it until the next move, seek or dispose. False after the last row.
    /// Allocates nothing per row when the rows come from the memtables or cached blocks (a merge
    /// row's folded value is the exception).
    /// </summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        var merge = _merge ?? await StartAsync(cancellationToken).ConfigureAwait(false);
        _onRow = false;
        _folded = null;
        while (true)
        {
            if (_done)
            {
                return false;
            }

            if (!_positioned)
            {
                if (!await merge.MoveNextAsync().ConfigureAwait(false))
                {
                    _done = true;
                    return false;
                }
            }

            _positioned = false;
            if (merge.ExpireTs is { } expire && expire <= _hideAt)
            {
                continue;
            }

            _folded = merge.Kind == RowKind.Merge ? Fold(merge) : null;
            _onRow = true;
            return true;
        }
    }

    /// <summary>The current row's key; valid until the next move, seek or dispose.</summary>
    public ReadOnlySpan<byte> Key => Row.Key;

    /// <summary>The current row's value (a merge row's operands folded); valid until the next move, seek or dispose.</summary>
    public ReadOnlySpan<byte> Value => _folded ?? Row.Value;

    /// <summary>The current row's sequence number.</summary>
    public ulong Seq => Row.Seq;

    /// <summary>When the current row was written (the writer's clock), if recorded.</summary>
    public long? CreateTs => Row.CreateTs;

    /// <summary>When the current row expires, if it has a time to live.</summary>
    public long? ExpireTs => Row.ExpireTs;

    // The merge iterator, positioned on the current row; only after MoveNextAsync returned true.
    private MergeIterator Row => _onRow ? _merge! : ThrowHelper.Invalid<MergeIterator>("the iterator is not on a row: call MoveNextAsync first (and only use a row until the next move or seek)");

    /// <summary>
    /// Moves so that the next row is the first at or after <paramref name="key"/> (ascending) or at
    /// or before it (descending). Keys outside the scan's range are <see cref="ErrorKind.Invalid"/>.
    /// </summary>
    public async ValueTask SeekAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        Keys.Validate(key.Span);
        if (!_range.Contains(key.Span))
        {
            ThrowHelper.Invalid($"cannot seek to a key outside the scan's range {_range}");
        }

        var merge = _merge ?? await StartAsync(cancellationToken).ConfigureAwait(false);
        _onRow = false;
        _positioned = await merge.SeekAsync(key).ConfigureAwait(false);
        _done = !_positioned;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerator<KeyValue> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        while (await NextAsync(cancellationToken).ConfigureAwait(false) is { } row)
        {
            yield return row;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _onRow = false;
        ReleaseHeld();
        if (_merge is not null)
        {
            await _merge.DisposeAsync().ConfigureAwait(false);
        }
    }

    private byte[] Fold(MergeIterator merge)
    {
        // Operands come newest first; the operator folds oldest first onto the base.
        var operands = new ReadOnlyMemory<byte>[merge.OperandCount];
        for (var i = 0; i < operands.Length; i++)
        {
            operands[operands.Length - 1 - i] = merge.Operand(i).ToArray();
        }

        return SlateFast.MergeOperator.MergeFolding.Fold(_db.MergeOperator, merge.Key, merge.HasBase, merge.Base, operands);
    }

    private async ValueTask<MergeIterator> StartAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            // Disposed objects fail as a closed database does: one error kind for "gone" everywhere.
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, "the iterator is closed");
        }

        if (_options.HideExpired)
        {
            // One instant for the whole scan, so a row cannot expire halfway through it.
            _hideAt = _db.NowTick;
        }

        var direction = _options.Order == IterationOrder.Ascending ? ScanDirection.Ascending : ScanDirection.Descending;
        var sources = new List<IRowSource>();
        try
        {
            foreach (var memtable in _held!)
            {
                sources.Add(MemtableRowSource.FromAcquired(memtable, direction, _range));
            }

            // The sources own the memtable references now.
            _held = null;
            var manifest = _state.Manifest;
            var provider = _db.BlockProvider(_options.CacheBlocks);
            var rowOptions = new RowScanOptions
            {
                ReadAheadBytes = (int)Math.Min(int.MaxValue, _options.ReadAheadBytes),
                MaxFetchTasks = _options.MaxFetchTasks,
                CacheBlocks = _options.CacheBlocks,
            };
            // A prefix scan skips the SSTs whose prefix bloom rules its prefix out (SlateDB 0.13's
            // prefix filters): their metadata is read, their blocks never.
            var extractor = _db.Options.FilterPrefixExtractor;
            var prefix = extractor is null ? null : _range.PrefixKey;
            foreach (var view in manifest.ReadL0)
            {
                var file = await _db.OpenSstAsync(view, cancellationToken).ConfigureAwait(false);
                if (prefix is not null && !file.Filters.MayContainPrefix(prefix, extractor!))
                {
                    Diagnostics.DbMetrics.PrefixFilterSkips.Add(1, _db.MetricTag);
                    continue;
                }

                sources.Add(RowSources.View(_db.Store, file, view, direction, _range, provider, rowOptions, cancellationToken));
            }

            foreach (var run in manifest.ReadRuns)
            {
                var admitted = prefix is null ? run : await AdmittedAsync(_db, run, prefix, extractor!, cancellationToken).ConfigureAwait(false);
                if (!admitted.Ssts.IsEmpty)
                {
                    sources.Add(RowSources.SortedRun(_db.Store, admitted, _db.OpenSstAsync, direction, _range, provider, rowOptions, cancellationToken));
                }
            }
        }
        catch
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        _merge = new MergeIterator(sources, _seq, direction);

        return _merge;
    }

    // The SSTs of a run a prefix scan must read: those whose keys reach into the prefix's range
    // (decided from the manifest, unopened) and whose prefix bloom does not rule the prefix out.
    internal static async ValueTask<Manifest.SortedRun> AdmittedAsync(DbHandle db, Manifest.SortedRun run, byte[] prefix, IPrefixExtractor extractor, CancellationToken cancellationToken)
    {
        var admitted = System.Collections.Immutable.ImmutableArray.CreateBuilder<Manifest.SstView>();
        foreach (var view in run.Ssts)
        {
            if (!MayHoldPrefix(view.Sst.Info.FirstEntry, view.Sst.Info.LastEntry, prefix))
            {
                continue;
            }

            var file = await db.OpenSstAsync(view, cancellationToken).ConfigureAwait(false);
            if (!file.Filters.MayContainPrefix(prefix, extractor))
            {
                Diagnostics.DbMetrics.PrefixFilterSkips.Add(1, db.MetricTag);
                continue;
            }

            admitted.Add(view);
        }

        return admitted.Count == run.Ssts.Length ? run : new Manifest.SortedRun(run.Id, admitted.ToImmutable());
    }

    /// <summary>
    /// Whether keys from <paramref name="first"/> to <paramref name="last"/> (null: unbounded), an
    /// SST's or a run's, can start with <paramref name="prefix"/>; decided without opening anything.
    /// </summary>
    internal static bool MayHoldPrefix(ReadOnlyMemory<byte>? first, ReadOnlyMemory<byte>? last, ReadOnlySpan<byte> prefix)
    {
        var endsBefore = last is { } l && l.Span.SequenceCompareTo(prefix) < 0;
        var startsAfter = first is { } f && f.Span.SequenceCompareTo(prefix) > 0 && !f.Span.StartsWith(prefix);
        return !endsBefore && !startsAfter;
    }

    private void ReleaseHeld()
    {
        if (_held is { } held)
        {
            _held = null;
            foreach (var m in held)
            {
                m.Release();
            }
        }
    }
}
