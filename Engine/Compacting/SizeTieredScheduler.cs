using SlateFast.Manifest;

namespace SlateFast.Compacting;

/// <summary>
/// SlateDB 0.12's size-tiered scheduler: compact the oldest L0s into a new sorted run once there
/// are <see cref="CompactorOptions.MinCompactionSources"/> of them; otherwise merge a series of
/// consecutive sorted runs of similar size (each at most <see cref="CompactorOptions.SizeThreshold"/>
/// times the smallest so far) into the oldest of them. At most
/// <see cref="CompactorOptions.MaxCompactionSources"/> sources, dropping the newest.
/// </summary>
/// <remarks>
/// Two checks veto a candidate, as in SlateDB: a conflict (a source or the destination belongs to
/// an active compaction) and backpressure (the output would be small enough to join the next older
/// run, which already heads a full series of similar runs; better wait for that series first).
/// Sizes are SlateDB's estimate, <c>index_offset + index_len</c> per SST, and thresholds are
/// computed in single precision as SlateDB does.
/// </remarks>
internal sealed class SizeTieredScheduler(CompactorOptions options) : ICompactionScheduler
{
    private readonly record struct Source(Ulid? View, uint Run, ulong Size);

    private CompactorOptions Options => options;

    public static ulong EstimateSize(SstView view) => view.Sst.Info.IndexOffset + view.Sst.Info.IndexLength;

    public static ulong EstimateSize(SortedRun run)
    {
        ulong size = 0;
        foreach (var view in run.Ssts)
        {
            size += EstimateSize(view);
        }

        return size;
    }

    public IReadOnlyList<CompactionPlan> Propose(ManifestState manifest, IReadOnlyList<CompactionPlan> active)
    {
        if (manifest.Segments.IsEmpty)
        {
            return ProposeTree(manifest, active, active.Count, ids: null);
        }

        // Segments compact on their own, by the same rules (RFC-0024), oldest prefix first; run
        // ids come from one counter, as they are unique across the database.
        var proposed = new List<CompactionPlan>();
        var ids = new RunIds { Next = Math.Max(manifest.MaxRunId, active.Select(p => (long)p.Destination).DefaultIfEmpty(-1).Max()) + 1 };
        foreach (var segment in manifest.Segments)
        {
            var tree = manifest.Tree(segment.Prefix.Span)!;
            var mine = active.Where(p => p.Segment.Span.SequenceEqual(segment.Prefix.Span)).ToList();
            foreach (var plan in ProposeTree(tree, mine, active.Count + proposed.Count, ids))
            {
                proposed.Add(plan with { Segment = segment.Prefix });
            }
        }

        return proposed;
    }

    // The next free run id of a segmented database, taken by each L0-only plan proposed.
    private sealed class RunIds
    {
        public long Next;
    }

    // `busy` compactions are active or proposed already; an L0-only plan writes run `ids.Next`,
    // or in a lone root tree the one after its newest run (SlateDB's choice).
    private List<CompactionPlan> ProposeTree(ManifestState tree, IReadOnlyList<CompactionPlan> active, int busy, RunIds? ids)
    {
        var l0 = tree.L0.Select(v => new Source(v.Id, 0, EstimateSize(v))).ToArray();
        var runs = tree.Compacted.Select(r => new Source(null, r.Id, EstimateSize(r))).ToArray();
        var checker = new Checker(this, runs);
        foreach (var plan in active)
        {
            checker.Use(plan);
        }

        var proposed = new List<CompactionPlan>();
        while (busy + proposed.Count < options.MaxConcurrentCompactions && PickNext(l0, runs, checker, ids) is { } next)
        {
            checker.Use(next);
            proposed.Add(next);
            if (ids is not null && next.SortedRuns.IsEmpty)
            {
                ids.Next++;
            }
        }

        return proposed;
    }

    private CompactionPlan? PickNext(Source[] l0, Source[] runs, Checker checker, RunIds? ids)
    {
        if (l0.Length >= options.MinCompactionSources)
        {
            var candidates = ClampMax(new List<Source>(l0));
            var destination = ids is not null ? checked((uint)ids.Next) : runs.Length > 0 ? runs[0].Run + 1 : 0;
            if (checker.Allows(candidates, destination, runs.Length > 0 ? runs[0] : null))
            {
                return ToPlan(candidates, destination);
            }
        }

        for (var i = 0; i < runs.Length; i++)
        {
            var series = BuildSeries(runs, i, checker);
            if (series.Count >= options.MinCompactionSources)
            {
                series = ClampMax(series);
                return ToPlan(series, series[^1].Run);
            }
        }

        return null;
    }

    // Drops the newest sources: the oldest ones stay, so an L0 set always ends at the oldest L0.
    private List<Source> ClampMax(List<Source> sources)
    {
        if (sources.Count > options.MaxCompactionSources)
        {
            sources.RemoveRange(0, sources.Count - options.MaxCompactionSources);
        }

        return sources;
    }

    // Runs from `start` towards older ones while each is at most threshold x the smallest so far.
    private List<Source> BuildSeries(Source[] runs, int start, Checker? checker)
    {
        var series = new List<Source>();
        ulong? min = null;
        for (var i = start; i < runs.Length; i++)
        {
            var run = runs[i];
            if (min is { } m)
            {
                if (run.Size > Scale(m))
                {
                    break;
                }

                min = Math.Min(m, run.Size);
            }
            else
            {
                min = run.Size;
            }

            series.Add(run);
            if (checker is not null && !checker.Allows(series, run.Run, i + 1 < runs.Length ? runs[i + 1] : null))
            {
                series.RemoveAt(series.Count - 1);
                break;
            }
        }

        return series;
    }

    private ulong Scale(ulong size) => (ulong)(size * (float)options.SizeThreshold);

    private static CompactionPlan ToPlan(List<Source> sources, uint destination) =>
        new([.. sources.Where(s => s.View is not null).Select(s => s.View!.Value)], [.. sources.Where(s => s.View is null).Select(s => s.Run)], destination);

    private sealed class Checker
    {
        private readonly SizeTieredScheduler _scheduler;
        private readonly HashSet<Ulid> _views = [];
        private readonly HashSet<uint> _runs = [];
        private readonly Dictionary<uint, int> _longestSeries = [];

        public Checker(SizeTieredScheduler scheduler, Source[] runs)
        {
            _scheduler = scheduler;
            for (var i = 0; i < runs.Length; i++)
            {
                _longestSeries[runs[i].Run] = scheduler.BuildSeries(runs, i, null).Count;
            }
        }

        public void Use(CompactionPlan plan)
        {
            foreach (var view in plan.L0Views)
            {
                _views.Add(view);
            }

            foreach (var run in plan.SortedRuns)
            {
                _runs.Add(run);
            }

            if (!plan.IsDrain)
            {
                _runs.Add(plan.Destination);
            }
        }

        public bool Allows(List<Source> sources, uint destination, Source? nextRun)
        {
            foreach (var s in sources)
            {
                if (s.View is { } view ? _views.Contains(view) : _runs.Contains(s.Run))
                {
                    return false;
                }
            }

            if (_runs.Contains(destination))
            {
                return false;
            }

            if (nextRun is { } next)
            {
                ulong output = 0;
                foreach (var s in sources)
                {
                    output += s.Size;
                }

                if (next.Size <= _scheduler.Scale(output)
                    && _longestSeries.GetValueOrDefault(next.Run) >= _scheduler.Options.MaxCompactionSources)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
