using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Iterators;

/// <summary>Builds the <see cref="IRowSource"/>s of a scan over SSTs.</summary>
internal static class RowSources
{
    /// <summary>
    /// The rows of one opened SST (an L0 view) visible through <paramref name="visibleRange"/> and
    /// inside <paramref name="range"/>. The source owns nothing but its blocks; the file stays open.
    /// </summary>
    public static IRowSource Sst(
        IObjectStore store,
        SstFile file,
        UInt128 sstId,
        ScanDirection direction,
        KeyRange? range = null,
        BytesRange? visibleRange = null,
        IBlockProvider? provider = null,
        RowScanOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= RowScanOptions.Default;
        options.Validate();
        var clip = (range ?? KeyRange.All).Intersect(KeyRange.FromView(visibleRange));
        return new CursorRowSource(new SstCursor(store, file, sstId, clip, direction, provider, options, cancellationToken), direction);
    }

    /// <summary>The rows of an L0 view, the SST already opened.</summary>
    public static IRowSource View(IObjectStore store, SstFile file, SstView view, ScanDirection direction, KeyRange? range = null, IBlockProvider? provider = null, RowScanOptions? options = null, CancellationToken cancellationToken = default) =>
        Sst(store, file, SortedRunCursor.SstId(view), direction, range, view.VisibleRange, provider, options, cancellationToken);

    /// <summary>
    /// The rows of a sorted run in key order, each SST opened through <paramref name="open"/> only
    /// when the scan reaches it.
    /// </summary>
    public static IRowSource SortedRun(
        IObjectStore store,
        SortedRun run,
        SstOpener open,
        ScanDirection direction,
        KeyRange? range = null,
        IBlockProvider? provider = null,
        RowScanOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= RowScanOptions.Default;
        options.Validate();
        var cursor = new SortedRunCursor(run.Ssts, open, store, range ?? KeyRange.All, direction, provider, options, cancellationToken);
        return new CursorRowSource(cursor, direction);
    }
}
