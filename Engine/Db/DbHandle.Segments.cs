using SlateFast.Segments;

namespace SlateFast;

public sealed partial class DbHandle
{
    /// <summary>
    /// The segments of a segmented database (<see cref="DbOptions.SegmentExtractor"/>), ascending:
    /// those the manifest lists and those only the memtables hold so far (SlateDB's
    /// <c>DbStatus::list_segments</c>). Empty for a database of one tree.
    /// </summary>
    public IReadOnlyList<byte[]> ListSegments()
    {
        ThrowIfClosed();
        var view = View;
        var prefixes = new SortedSet<byte[]>(view.Manifest.Segments.Where(s => !s.IsEmpty).Select(s => s.Prefix.ToArray()), ByteArrayComparer.Instance);
        if (_segments is { } router && view.Memtables is { } memtables)
        {
            foreach (var memtable in memtables.NewestFirst)
            {
                if (!view.Covers(memtable))
                {
                    prefixes.UnionWith(router.SegmentsOf(memtable.Rows).Select(p => p.Prefix));
                }
            }
        }

        return [.. prefixes];
    }

    // A reader's view: the extractor checked as a writer's open checks it, used only to list the
    // segments of replayed rows (a reader writes nothing, so the router's admission rules never run).
    internal void UseSegments(IPrefixExtractor extractor)
    {
        var manifest = CurrentManifest;
        SegmentRouter.CheckConfiguration(manifest, extractor, Path);
        _segments = new SegmentRouter(extractor, manifest.Segments.Select(s => s.Prefix));
    }

    /// <summary>
    /// Drops segment <paramref name="prefix"/> of a segmented database with one manifest write, the
    /// cheap way to delete every key that starts with it (SlateDB's drain-segment compaction): the
    /// memtables are flushed first, so every row of the segment written before the call is gone
    /// when it returns; rows written to it meanwhile may stay, and a later write to it starts the
    /// segment again. The dropped SSTs stay readable to snapshots and checkpoints that hold them and
    /// are collected afterwards. Returns false when there was no such segment.
    /// </summary>
    /// <remarks>
    /// Runs on the in-process compactor, after the compactions in flight: <see cref="ErrorKind.Invalid"/>
    /// on a database without segments, for an empty prefix, when <see cref="CompactorOptions.Enabled"/>
    /// is off or the database is read-only; <see cref="ErrorKind.Unavailable"/> when the compactor
    /// could not start.
    /// </remarks>
    public async Task<bool> DropSegmentAsync(ReadOnlyMemory<byte> prefix, CancellationToken cancellationToken = default)
    {
        if (_segments is null)
        {
            ThrowHelper.Invalid($"{Path}: DropSegmentAsync needs a segmented database (DbOptions.SegmentExtractor)");
        }

        if (prefix.IsEmpty)
        {
            ThrowHelper.Invalid("a segment prefix is not empty");
        }

        var compactor = await RunningCompactorAsync("dropping a segment", cancellationToken).ConfigureAwait(false);
        await FlushAsync(FlushType.MemTable, cancellationToken).ConfigureAwait(false);
        return await compactor.DrainSegmentAsync(prefix, cancellationToken).ConfigureAwait(false);
    }
}
