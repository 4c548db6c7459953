using SlateFast.Format;
using SlateFast.Iterators;

namespace SlateFast;

/// <summary>
/// The rows under a prefix source by source, newest source first (SlateDB 0.15's
/// <c>DbRecencyIterator</c>): the active memtable, the frozen ones, the L0 SSTs newest first,
/// then the sorted runs newest first. Within a source the keys follow
/// <see cref="ScanOptions.Order"/> and each key's versions come newest first. Nothing is merged
/// across sources: a key written twice may appear once per source that holds it, and tombstones
/// and merge operands come as they are (<see cref="RecencyEntry"/>).
/// </summary>
/// <remarks>
/// An SST is opened only when the walk reaches it, so a caller that stops after the freshest
/// rows reads nothing older. The iterator holds the memtables it was created with until it is
/// disposed. After an error every later step throws the same error.
/// </remarks>
public sealed class RecencyIterator : IAsyncEnumerable<RecencyEntry>, IAsyncDisposable
{
    private readonly DbHandle _db;
    private readonly KeyRange _range;
    private readonly byte[] _prefix;
    private readonly ScanOptions _options;
    private readonly ulong _seq;
    private readonly ScanDirection _direction;
    // Sources still to walk, newest first: memtables as sources (made at creation, so the
    // references they own are released by disposal however far the walk got), then SSTs and runs
    // as manifest entries, opened on arrival.
    private readonly Queue<IRowSource> _memtables = new();
    private readonly Queue<Manifest.SstView> _l0 = new();
    private readonly Queue<Manifest.SortedRun> _runs = new();
    private IRowSource? _current;
    private Exception? _failure;
    private bool _disposed;

    internal RecencyIterator(DbHandle db, byte[] prefix, ScanOptions options)
    {
        _db = db;
        _prefix = prefix;
        _range = KeyRange.Prefix(prefix);
        _options = options;
        _direction = options.Order == IterationOrder.Ascending ? ScanDirection.Ascending : ScanDirection.Descending;
        var (state, held, seq) = DbIterator.Capture(db, options, ulong.MaxValue);
        _seq = seq;
        foreach (var memtable in held)
        {
            _memtables.Enqueue(MemtableRowSource.FromAcquired(memtable, _direction, _range));
        }

        var manifest = state.Manifest;
        var (l0, runs) = (manifest.L0, manifest.Compacted);
        if (!manifest.Segments.IsEmpty)
        {
            // Recency is defined within one tree: walking one segment's oldest run before another
            // segment's newest L0 would break the newest-first promise, so a prefix spanning
            // segments is refused, as SlateDB does.
            var segments = manifest.Segments.Where(s => s.Prefix.Span.StartsWith(prefix) || prefix.AsSpan().StartsWith(s.Prefix.Span)).ToList();
            if (segments.Count > 1)
            {
                DisposeMemtables();
                ThrowHelper.Invalid($"a recency scan of a prefix must stay within one segment; this one spans {segments.Count}");
            }

            (l0, runs) = segments.Count == 1 ? (segments[0].L0, segments[0].Compacted) : ([], []);
        }

        foreach (var view in l0)
        {
            _l0.Enqueue(view);
        }

        foreach (var run in runs.Where(r => Overlaps(r)))
        {
            _runs.Enqueue(run);
        }
    }

    /// <summary>The next row in recency order, or null after the last.</summary>
    public async ValueTask<RecencyEntry?> NextAsync(CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            // Gone fails as a closed database does, as DbIterator does.
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, "the iterator is closed");
        }

        if (_failure is not null)
        {
            throw _failure;
        }

        try
        {
            while (true)
            {
                if (_current is null)
                {
                    _current = await NextSourceAsync(cancellationToken).ConfigureAwait(false);
                    if (_current is null)
                    {
                        return null;
                    }
                }

                while (await _current.MoveNextAsync().ConfigureAwait(false))
                {
                    // Versions newer than the read's sequence number are not visible to it.
                    if (_current.Seq <= _seq)
                    {
                        var kind = _current.Kind;
                        return new RecencyEntry(_current.Key.ToArray(), kind, kind == RowKind.Tombstone ? null : _current.Value.ToArray(), _current.Seq, _current.CreateTs, _current.ExpireTs);
                    }
                }

                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failure = e;
            throw;
        }
    }

    // The next source that may hold the prefix: memtables, then L0 SSTs and runs, which the
    // prefix bloom may rule out (SlateDB 0.13's prefix filters) once opened.
    private async ValueTask<IRowSource?> NextSourceAsync(CancellationToken cancellationToken)
    {
        if (_memtables.TryDequeue(out var memtable))
        {
            return memtable;
        }

        var provider = _db.BlockProvider(_options.CacheBlocks);
        var rowOptions = new RowScanOptions
        {
            ReadAheadBytes = (int)Math.Min(int.MaxValue, _options.ReadAheadBytes),
            MaxFetchTasks = _options.MaxFetchTasks,
            CacheBlocks = _options.CacheBlocks,
        };
        var extractor = _db.Options.FilterPrefixExtractor;
        while (_l0.TryDequeue(out var view))
        {
            if (!DbIterator.MayHoldPrefix(view.Sst.Info.FirstEntry, view.Sst.Info.LastEntry, _prefix))
            {
                continue;
            }

            var file = await _db.OpenSstAsync(view, cancellationToken).ConfigureAwait(false);
            if (extractor is not null && !file.Filters.MayContainPrefix(_prefix, extractor))
            {
                Diagnostics.DbMetrics.PrefixFilterSkips.Add(1, _db.MetricTag);
                continue;
            }

            return RowSources.View(_db.Store, file, view, _direction, _range, provider, rowOptions, cancellationToken);
        }

        while (_runs.TryDequeue(out var run))
        {
            var admitted = extractor is null ? run : await DbIterator.AdmittedAsync(_db, run, _prefix, extractor, cancellationToken).ConfigureAwait(false);
            if (!admitted.Ssts.IsEmpty)
            {
                return RowSources.SortedRun(_db.Store, admitted, _db.OpenSstAsync, _direction, _range, provider, rowOptions, cancellationToken);
            }
        }

        return null;
    }

    private bool Overlaps(Manifest.SortedRun run) =>
        !run.Ssts.IsEmpty && DbIterator.MayHoldPrefix(run.Ssts[0].Sst.Info.FirstEntry, run.Ssts[^1].Sst.Info.LastEntry, _prefix);

    /// <inheritdoc/>
    public async IAsyncEnumerator<RecencyEntry> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        while (await NextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
        {
            yield return entry;
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
        if (_current is not null)
        {
            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
        }

        DisposeMemtables();
    }

    private void DisposeMemtables()
    {
        while (_memtables.TryDequeue(out var source))
        {
            // A memtable source's disposal only releases its reference: it completes at once.
            source.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
