using System.Collections.Immutable;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Iterators;

/// <summary>Opens the SST behind a view (DbHandle shares opened SSTs between readers).</summary>
internal delegate ValueTask<SstFile> SstOpener(SstView view, CancellationToken cancellationToken);

/// <summary>
/// A <see cref="SortedCursor"/> over the SSTs of a sorted run, in key order, as one stream. Only
/// the SST under the cursor is open; the next one is opened when the cursor crosses into it, and
/// SSTs whose keys lie outside the range are never opened.
/// </summary>
/// <remarks>
/// Seeks pick the SST from the manifest's first/last keys by binary search (no I/O): forward, the
/// first SST whose last key reaches the target; backward, the last SST whose first key is at or
/// below it. Views whose visible range leaves nothing of the scan's range are skipped unopened. A key whose versions end one SST and start the next is read
/// from both because the cursor simply moves on.
/// </remarks>
internal sealed class SortedRunCursor : SortedCursor
{
    private readonly ImmutableArray<SstView> _views;
    private readonly SstOpener _open;
    private readonly IObjectStore _store;
    private readonly ScanDirection _direction;
    private readonly IBlockProvider? _provider;
    private readonly RowScanOptions _options;
    private readonly CancellationToken _cancellationToken;
    private SstCursor? _child;
    private int _index = -1;
    private bool _invalid = true;

    public SortedRunCursor(ImmutableArray<SstView> views, SstOpener open, IObjectStore store, KeyRange range, ScanDirection direction, IBlockProvider? provider, RowScanOptions options, CancellationToken cancellationToken)
        : base(range)
    {
        _views = views;
        _open = open;
        _store = store;
        _direction = direction;
        _provider = provider;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    public override bool IsValid => !_invalid && _child is { IsValid: true };

    public override ReadOnlySpan<byte> Key => _child!.Key;

    public override ReadOnlySpan<byte> Value => _child!.Value;

    public override ulong Seq => _child!.Seq;

    public override RowKind Kind => _child!.Kind;

    public override long? CreateTs => _child!.CreateTs;

    public override long? ExpireTs => _child!.ExpireTs;

    public override async ValueTask DisposeAsync()
    {
        if (_child is not null)
        {
            await _child.DisposeAsync().ConfigureAwait(false);
            _child = null;
        }
    }

    // The child stays open: a later seek may land in it again.
    protected override void Invalidate() => _invalid = true;

    protected override ValueTask<bool> RawFirstAsync() => ForwardFromAsync(0, seek: null);

    protected override ValueTask<bool> RawLastAsync() => BackwardFromAsync(_views.Length - 1, seek: null);

    protected override ValueTask<bool> RawSeekGEAsync(ReadOnlyMemory<byte> key)
    {
        // The first SST not wholly below the key.
        int lo = 0, hi = _views.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (EndsBefore(_views[mid], key.Span))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return ForwardFromAsync(lo, key);
    }

    protected override ValueTask<bool> RawSeekLEAsync(ReadOnlyMemory<byte> key)
    {
        // The last SST not wholly above the key.
        int lo = 0, hi = _views.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (StartsAfter(_views[mid], key.Span))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return BackwardFromAsync(lo - 1, key);
    }

    protected override ValueTask<bool> RawNextAsync()
    {
        if (_invalid || _child is null)
        {
            return new ValueTask<bool>(false);
        }

        var move = _child.NextAsync();
        if (move.IsCompletedSuccessfully && move.Result)
        {
            return new ValueTask<bool>(true);
        }

        return NextSlowAsync(move);
    }

    protected override ValueTask<bool> RawPrevAsync()
    {
        if (_invalid || _child is null)
        {
            return new ValueTask<bool>(false);
        }

        var move = _child.PrevAsync();
        if (move.IsCompletedSuccessfully && move.Result)
        {
            return new ValueTask<bool>(true);
        }

        return PrevSlowAsync(move);
    }

    private async ValueTask<bool> NextSlowAsync(ValueTask<bool> move) =>
        await move.ConfigureAwait(false) || await ForwardFromAsync(_index + 1, seek: null).ConfigureAwait(false);

    private async ValueTask<bool> PrevSlowAsync(ValueTask<bool> move) =>
        await move.ConfigureAwait(false) || await BackwardFromAsync(_index - 1, seek: null).ConfigureAwait(false);

    // Positions on the first row at or after `seek` (or the first row) of SST `index` or a later one.
    private async ValueTask<bool> ForwardFromAsync(int index, ReadOnlyMemory<byte>? seek)
    {
        for (var i = index; i < _views.Length; i++)
        {
            if (Range.End.Kind != KeyBoundKind.Unbounded && StartsAfterBound(_views[i], Range.End))
            {
                break;
            }

            if (ShowsNothing(_views[i]))
            {
                continue;
            }

            var child = await ChildAsync(i).ConfigureAwait(false);
            var found = seek is { } key && i == index
                ? await child.SeekGEAsync(key).ConfigureAwait(false)
                : await child.FirstAsync().ConfigureAwait(false);
            if (found)
            {
                _invalid = false;
                return true;
            }
        }

        _invalid = true;
        return false;
    }

    private async ValueTask<bool> BackwardFromAsync(int index, ReadOnlyMemory<byte>? seek)
    {
        for (var i = index; i >= 0; i--)
        {
            if (Range.Start.Kind != KeyBoundKind.Unbounded && EndsBeforeBound(_views[i], Range.Start))
            {
                break;
            }

            if (ShowsNothing(_views[i]))
            {
                continue;
            }

            var child = await ChildAsync(i).ConfigureAwait(false);
            var found = seek is { } key && i == index
                ? await child.SeekLEAsync(key).ConfigureAwait(false)
                : await child.LastAsync().ConfigureAwait(false);
            if (found)
            {
                _invalid = false;
                return true;
            }
        }

        _invalid = true;
        return false;
    }

    private async ValueTask<SstCursor> ChildAsync(int index)
    {
        if (_child is not null && _index == index)
        {
            return _child;
        }

        if (_child is not null)
        {
            var old = _child;
            _child = null;
            await old.DisposeAsync().ConfigureAwait(false);
        }

        var view = _views[index];
        var file = await _open(view, _cancellationToken).ConfigureAwait(false);
        var range = Range.Intersect(KeyRange.FromView(view.VisibleRange));
        _child = new SstCursor(_store, file, SstId(view), range, _direction, _provider, _options, _cancellationToken);
        _index = index;
        return _child;
    }

    internal static UInt128 SstId(SstView view) => new(view.Sst.Id.High, view.Sst.Id.Low);

    // The searches and stops use the SSTs' first and last keys, which never decrease along a run;
    // view ranges need not (a view may expose nothing), so they only let a view be skipped unopened.

    // Whether every key of the view's SST is below `key`.
    private static bool EndsBefore(SstView view, ReadOnlySpan<byte> key) =>
        view.Sst.Info.LastEntry is { } last && last.Span.SequenceCompareTo(key) < 0;

    // Whether every key of the view's SST is above `key`.
    private static bool StartsAfter(SstView view, ReadOnlySpan<byte> key) =>
        view.Sst.Info.FirstEntry is { } first && first.Span.SequenceCompareTo(key) > 0;

    // Whether the view's SST lies wholly above the scan's end bound.
    private static bool StartsAfterBound(SstView view, KeyBound end) =>
        view.Sst.Info.FirstEntry is { } first && (end.Kind == KeyBoundKind.Included
            ? first.Span.SequenceCompareTo(end.Key.Span) > 0
            : first.Span.SequenceCompareTo(end.Key.Span) >= 0);

    // Whether the view's SST lies wholly below the scan's start bound.
    private static bool EndsBeforeBound(SstView view, KeyBound start) =>
        view.Sst.Info.LastEntry is { } last && (start.Kind == KeyBoundKind.Included
            ? last.Span.SequenceCompareTo(start.Key.Span) < 0
            : last.Span.SequenceCompareTo(start.Key.Span) <= 0);

    // Whether no key the scan wants is visible through the view (then it is not opened).
    private bool ShowsNothing(SstView view) =>
        view.Sst.Info.FirstEntry is null
        || (view.VisibleRange is not null && Range.Intersect(KeyRange.FromView(view.VisibleRange)).IsEmpty);
}
