using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Retention;
using CompactionRecord = SlateFast.Manifest.Compaction;

namespace SlateFast.Compacting;

/// <summary>
/// The compactor coordinator (spec §10.5), in the database process or standalone: it owns the
/// compactor epoch, the compactions file, the sorted runs and the removal of compacted L0s.
/// </summary>
/// <remarks>
/// <para>Opening claims the epoch as SlateDB 0.12 does: manifest N+1 with <c>compactor_epoch + 1</c>
/// (create-only, retried on conflict), then the compactions file (created as version 1 with epoch 0
/// when missing) rewritten at the next version with that epoch, which fails as fenced if the file
/// already holds an epoch at least as high. Every later manifest or compactions write first
/// re-reads the newest version and stops as fenced when its epoch is higher than ours, so of two
/// compactors (SlateFast or SlateDB) only the newest ever commits.</para>
/// <para>A pass (every <see cref="CompactorOptions.PollInterval"/>, or when kicked) refreshes both
/// files, asks the scheduler for work, records it as Submitted, validates and starts it (Running)
/// up to <see cref="CompactorOptions.MaxConcurrentCompactions"/>. A finished compaction commits in
/// SlateDB's order: a manifest adding a 15-minute checkpoint that pins the version still listing the
/// sources, then a manifest that removes exactly the compacted L0 views and source runs, inserts
/// the output run (keeping ids descending) and sets the last compacted L0; then the compactions file
/// (Completed). Manifest writes re-apply the change to the newest version, so the writer's
/// concurrent L0 insertions survive. A crash anywhere leaves either the old or the new manifest;
/// output SSTs of an uncommitted compaction are garbage for the collector.</para>
/// <para>State changes happen under one lock; compactions execute outside it, in parallel.</para>
/// </remarks>
internal sealed partial class Compactor : IAsyncDisposable
{
    /// <summary>Lifetime of the checkpoint a commit leaves on the pre-compaction manifest (SlateDB: 15 minutes).</summary>
    public static readonly TimeSpan CheckpointLifetime = TimeSpan.FromMinutes(15);

    private readonly IObjectStore _store;
    private readonly string _db;
    // Set in the constructor, and once more at the epoch claim when the format level is to be
    // detected (ClaimAsync), before any compaction runs.
    private DbOptions _options;
    private readonly CompactorOptions _compactor;
    private readonly ILogger _log;
    private readonly ManifestStore _manifests;
    private readonly CompactionsStore _compactionsStore;
    private readonly ICompactionScheduler _scheduler;
    private readonly CompactionExecutor _executor;
    private readonly Random _random;
    private readonly Func<ulong, ManifestState, Task>? _onCommit;
    private readonly Func<ulong?>? _oldestSnapshot;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Threading.AsyncSignal _kick = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<Ulid, Task> _jobs = [];
    private readonly Dictionary<Ulid, CompactionPlan> _plans = [];
    private ulong _manifestId;
    private ManifestState _manifest;
    private ulong _compactionsId;
    private CompactionsState _compactions;
    private Task _loop = Task.CompletedTask;
    private SlateFastException? _fenced;
    private long _completed;
    private long _bytesRead;
    private long _bytesWritten;

    private Compactor(IObjectStore store, string db, DbOptions options, Func<ulong, ManifestState, Task>? onCommit, Func<ulong?>? oldestSnapshot)
    {
        _store = store;
        _db = db;
        _options = options;
        _compactor = options.Compactor;
        _log = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SlateFast.Compactor");
        _manifests = new ManifestStore(store, db);
        _compactionsStore = new CompactionsStore(store, db);
        _scheduler = _compactor.Scheduler ?? new SizeTieredScheduler(_compactor);
        // Never seeded: a seed replayed by the next process would repeat ULIDs (object names).
        _random = new Random();
        _executor = new CompactionExecutor(store, db, options, NewUlid);
        _onCommit = onCommit;
        _oldestSnapshot = oldestSnapshot;
        _manifest = ManifestState.Initial;
        _compactions = new CompactionsState(0, []);
    }

    /// <summary>The compactor epoch this compactor claimed.</summary>
    public ulong Epoch { get; private set; }

    /// <summary>Whether a newer compactor took over; nothing more is committed.</summary>
    public bool IsFenced => Volatile.Read(ref _fenced) is not null;

    /// <summary>Compactions committed so far.</summary>
    public long CompletedCount => Interlocked.Read(ref _completed);

    /// <summary>Estimated source bytes of the committed compactions.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Bytes of output SSTs of the committed compactions.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>The newest manifest this compactor knows.</summary>
    public (ulong Id, ManifestState State) Manifest => (_manifestId, Volatile.Read(ref _manifest));

    /// <summary>
    /// Claims the compactor epoch of the database at <paramref name="db"/>. <paramref name="onCommit"/>
    /// hears every manifest version this compactor writes (the in-process writer adopts them);
    /// <paramref name="oldestSnapshot"/> reports the oldest live snapshot of an in-process writer.
    /// </summary>
    public static async Task<Compactor> OpenAsync(
        IObjectStore store,
        string db,
        DbOptions options,
        Func<ulong, ManifestState, Task>? onCommit = null,
        Func<ulong?>? oldestSnapshot = null,
        CancellationToken cancellationToken = default)
    {
        Format.Compression.EnsureAvailable(options.Compression);
        var compactor = new Compactor(store, db, options, onCommit, oldestSnapshot);
        await compactor.ClaimAsync(cancellationToken).ConfigureAwait(false);
        return compactor;
    }

    /// <summary>
    /// Starts the background loop; it stops at <see cref="StopAsync"/>, when fenced, or when
    /// <paramref name="cancellationToken"/> fires. An exception the loop does not expect stops it
    /// and goes to <paramref name="onCrash"/> (the writer hosting it closes: its L0 would otherwise
    /// fill up and stall flushes with nobody left to drain it).
    /// </summary>
    public void Start(CancellationToken cancellationToken = default, Action<string, Exception>? onCrash = null)
    {
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _stop);
        }

        _loop = Threading.BackgroundLoop.Start("compactor", LoopAsync, (loop, e) =>
        {
            _log.LogError(e, "compactor of {Db} stopped: {Message}", _db, Threading.BackgroundLoop.Describe(loop, e));
            onCrash?.Invoke(loop, e);
        }, _stop.Token);
    }

    /// <summary>
    /// Completes when the loop <see cref="Start"/> began has stopped: stopped, cancelled, fenced
    /// (<see cref="IsFenced"/>, then <see cref="ThrowIfFenced"/> says by whom) or crashed.
    /// </summary>
    public Task Completion => _loop;

    /// <summary>Asks the loop for a pass now (for example because L0 grew) instead of at the next poll.</summary>
    public void Kick() => _kick.Set();

    /// <summary>One pass: schedules and starts what the scheduler proposes, then waits for every running compaction. Returns how many it started.</summary>
    public async Task<int> RunPassAsync(CancellationToken cancellationToken = default)
    {
        var started = await TickAsync(cancellationToken).ConfigureAwait(false);
        await WaitForJobsAsync().ConfigureAwait(false);
        ThrowIfFenced();
        return started;
    }

    /// <summary>Passes until the scheduler has nothing more to do. Returns the compactions run.</summary>
    public async Task<int> RunUntilCaughtUpAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (await RunPassAsync(cancellationToken).ConfigureAwait(false) is var started and > 0)
        {
            total += started;
        }

        return total;
    }

    /// <summary>
    /// Compacts every L0 view and sorted run into one sorted run (the oldest run's id, or 0), after
    /// the compactions in flight finish. Tombstones disappear because the output is the last run.
    /// Returns false when there was nothing to do (no L0 and at most one run).
    /// </summary>
    public async Task<bool> CompactAllAsync(CancellationToken cancellationToken = default)
    {
        await WaitIdleAndLockAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFenced();
            await RefreshLockedAsync(cancellationToken).ConfigureAwait(false);
            var any = false;
            // Each tree on its own (segments never merge with each other): the root tree, then every segment.
            var prefixes = new List<ReadOnlyMemory<byte>> { ReadOnlyMemory<byte>.Empty };
            prefixes.AddRange(_manifest.Segments.Select(s => s.Prefix));
            var nextRun = _manifest.MaxRunId + 1;
            foreach (var prefix in prefixes)
            {
                if (_manifest.Tree(prefix.Span) is not { } tree || (tree.L0.IsEmpty && tree.Compacted.Length <= 1))
                {
                    continue;
                }

                var destination = !tree.Compacted.IsEmpty ? tree.Compacted.Min(r => r.Id) : prefix.IsEmpty ? 0 : checked((uint)nextRun++);
                var plan = new CompactionPlan([.. tree.L0.Select(v => v.Id)], [.. tree.Compacted.Select(r => r.Id)], destination) { Segment = prefix };
                await RunNowLockedAsync(plan, tree, cancellationToken).ConfigureAwait(false);
                any = true;
            }

            return any;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Drops segment <paramref name="prefix"/>: every L0 and sorted run it has in the newest
    /// manifest leaves it in one manifest write (SlateDB's drain-segment compaction), after the
    /// compactions in flight finish. False when there is no such segment.
    /// </summary>
    public async Task<bool> DrainSegmentAsync(ReadOnlyMemory<byte> prefix, CancellationToken cancellationToken = default)
    {
        if (prefix.IsEmpty)
        {
            ThrowHelper.Invalid("a segment prefix is not empty: the root tree cannot be dropped");
        }

        await WaitIdleAndLockAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFenced();
            await RefreshLockedAsync(cancellationToken).ConfigureAwait(false);
            // A drained segment's marker holds nothing: there is no segment to drop.
            if (_manifest.Tree(prefix.Span) is not { } tree || (tree.L0.IsEmpty && tree.Compacted.IsEmpty))
            {
                return false;
            }

            var plan = CompactionPlan.Drain(prefix.ToArray(), [.. tree.L0.Select(v => v.Id)], [.. tree.Compacted.Select(r => r.Id)]);
            await RunNowLockedAsync(plan, tree, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    // Takes the lock once no compaction job is running (what CompactAll and a drain need: all sources free).
    private async Task WaitIdleAndLockAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_jobs.Count == 0)
            {
                return;
            }

            var pending = _jobs.Values.ToArray();
            _lock.Release();
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    // Under the lock: records the plan as Running, runs it on this thread and commits it.
    private async Task RunNowLockedAsync(CompactionPlan plan, ManifestState tree, CancellationToken cancellationToken)
    {
        var id = NewUlid();
        _plans[id] = plan;
        Put(new CompactionRecord(id, plan.ToSpec(StoresDestination), CompactionStatus.Running, []));
        await WriteCompactionsLockedAsync(cancellationToken).ConfigureAwait(false);
        CompactionResult result;
        try
        {
            result = plan.IsDrain ? new CompactionResult([], 0, 0, 0, 0) : await _executor.RunAsync(tree, plan, RulesFor(tree, plan), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SetStatus(id, CompactionStatus.Failed);
            await WriteCompactionsLockedAsync(cancellationToken).ConfigureAwait(false);
            throw;
        }

        await FinishLockedAsync(id, plan, result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the loop and waits for running compactions to stop; uncommitted work is abandoned.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await WaitForJobsAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await TickAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SlateFastException e) when (IsFence(e))
            {
                _log.LogWarning("compactor of {Db} stops: {Message}", _db, e.Message);
                return;
            }
            catch (Exception e) when (Failures.IsExpected(e))
            {
                _log.LogWarning(e, "compactor pass over {Db} failed; trying again at the next poll", _db);
            }

            try
            {
                await _kick.WaitAsync(_compactor.PollInterval, _options.TimeProvider, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFenced();
            await RefreshLockedAsync(cancellationToken).ConfigureAwait(false);
            await ScheduleLockedAsync(cancellationToken).ConfigureAwait(false);
            return await StartSubmittedLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private int RunningCount => _compactions.Recent.Count(c => c.Status == CompactionStatus.Running);

    private async Task ScheduleLockedAsync(CancellationToken cancellationToken)
    {
        var capacity = _compactor.MaxConcurrentCompactions - RunningCount;
        if (capacity <= 0)
        {
            return;
        }

        var active = _compactions.Recent.Where(IsActive).Select(PlanOf).ToList();
        var added = 0;
        foreach (var plan in _scheduler.Propose(_manifest, active).Take(capacity))
        {
            var id = NewUlid();
            _plans[id] = plan;
            Put(new CompactionRecord(id, plan.ToSpec(StoresDestination), CompactionStatus.Submitted, []));
            added++;
            _log.LogDebug("scheduled compaction {Id} {Plan} in {Db}", id, plan, _db);
        }

        if (added > 0)
        {
            await WriteCompactionsLockedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> StartSubmittedLockedAsync(CancellationToken cancellationToken)
    {
        var submitted = _compactions.Recent.Where(c => c.Status == CompactionStatus.Submitted).ToList();
        var started = 0;
        foreach (var compaction in submitted)
        {
            if (RunningCount >= _compactor.MaxConcurrentCompactions)
            {
                break;
            }

            var plan = PlanOf(compaction);
            if (Validate(compaction.Id, plan) is { } problem)
            {
                _log.LogWarning("compaction {Id} {Plan} in {Db} is invalid and fails: {Problem}", compaction.Id, plan, _db, problem);
                SetStatus(compaction.Id, CompactionStatus.Failed);
                continue;
            }

            SetStatus(compaction.Id, CompactionStatus.Running);
            var manifest = _manifest.Tree(plan.Segment.Span)!;
            var rules = RulesFor(manifest, plan);
            _jobs[compaction.Id] = Task.Run(() => RunJobAsync(compaction.Id, plan, manifest, rules));
            started++;
        }

        if (submitted.Count > 0)
        {
            await WriteCompactionsLockedAsync(cancellationToken).ConfigureAwait(false);
        }

        return started;
    }

    private async Task RunJobAsync(Ulid id, CompactionPlan plan, ManifestState manifest, RetentionRules rules)
    {
        CompactionResult? result = null;
        Exception? failure = null;
        var committed = false;
        try
        {
            // A drain reads and writes nothing but the manifest.
            result = plan.IsDrain ? new CompactionResult([], 0, 0, 0, 0) : await _executor.RunAsync(manifest, plan, rules, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            failure = e;
        }

        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_fenced is null && !_stop.IsCancellationRequested)
            {
                if (result is not null)
                {
                    await FinishLockedAsync(id, plan, result, _stop.Token).ConfigureAwait(false);
                    committed = true;
                }
                else if (failure is not null)
                {
                    _log.LogError(failure, "compaction {Id} {Plan} in {Db} failed", id, plan, _db);
                    SetStatus(id, CompactionStatus.Failed);
                    await WriteCompactionsLockedAsync(_stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (SlateFastException e) when (IsFence(e))
        {
            _log.LogWarning("compaction {Id} in {Db} not committed: {Message}", id, _db, e.Message);
        }
        catch (Exception e)
        {
            // The next pass retries from the files; the outputs are garbage for the collector.
            _log.LogError(e, "committing compaction {Id} {Plan} in {Db} failed", id, plan, _db);
            SetStatus(id, CompactionStatus.Failed);
        }
        finally
        {
            _jobs.Remove(id);
            _lock.Release();

            // Success may enable the next compaction now; a failure waits for the next poll.
            if (committed)
            {
                _kick.Set();
            }
        }
    }

    private async Task WaitForJobsAsync()
    {
        while (true)
        {
            Task[] pending;
            await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                pending = [.. _jobs.Values];
            }
            finally
            {
                _lock.Release();
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    /// <summary>SlateDB's checks before a compaction starts; null when it may run.</summary>
    private string? Validate(Ulid id, CompactionPlan plan)
    {
        if (plan.SourceCount == 0)
        {
            return "it has no sources";
        }

        // Every rule below is about one tree: the root tree, or the plan's segment.
        if (_manifest.Tree(plan.Segment.Span) is not { } manifest)
        {
            return "its segment is not in the manifest";
        }

        if (plan.IsDrain)
        {
            return ValidateDrain(id, plan, manifest);
        }

        if (plan.L0Views.Any(v => !manifest.L0.Any(l => l.Id == v)))
        {
            return "a source L0 is not in the manifest";
        }

        if (plan.SortedRuns.Any(r => !manifest.Compacted.Any(c => c.Id == r)))
        {
            return "a source sorted run is not in the manifest";
        }

        if (plan.HasL0 && !plan.HasSortedRuns)
        {
            var lowest = manifest.Compacted.IsEmpty ? 0 : manifest.Compacted[0].Id + 1;
            if (plan.Destination < lowest)
            {
                return $"an L0-only compaction must write a new run (id >= {lowest}), not {plan.Destination}";
            }
        }

        if (plan.HasSortedRuns && plan.Destination != plan.SortedRuns.Min())
        {
            return "the destination must be the oldest source run";
        }

        if (plan.HasL0 && _compactions.Recent.Any(c => c.Id != id && c.Status == CompactionStatus.Running && PlanOf(c).HasL0))
        {
            return "another L0 compaction is running";
        }

        if (_compactions.Recent.Any(c => c.Id != id && c.Status == CompactionStatus.Running && PlanOf(c) is var other
            && (other.Destination == plan.Destination || other.SortedRuns.Any(plan.Touches) || other.L0Views.Any(plan.L0Views.Contains))))
        {
            return "it shares a source or destination with a running compaction";
        }

        if (manifest.Compacted.Any(r => r.Id == plan.Destination) && !plan.SortedRuns.Contains(plan.Destination))
        {
            return $"sorted run {plan.Destination} exists and is not a source";
        }

        // Run ids are unique across the database, not only within a tree.
        if (_manifest.Segments.Any(s => s.Compacted.Any(r => r.Id == plan.Destination)) && !plan.SortedRuns.Contains(plan.Destination))
        {
            return $"sorted run {plan.Destination} exists in another tree";
        }

        // Sources must be consecutive in the logical order: L0 newest first, then runs newest first.
        var order = manifest.L0.Select(v => (View: (Ulid?)v.Id, Run: 0u)).Concat(manifest.Compacted.Select(r => (View: (Ulid?)null, Run: r.Id))).ToList();
        var sources = plan.L0Views.Select(v => (View: (Ulid?)v, Run: 0u)).Concat(plan.SortedRuns.Select(r => (View: (Ulid?)null, Run: r))).ToList();
        var start = order.IndexOf(sources[0]);
        if (start < 0 || start + sources.Count > order.Count || !order.Skip(start).Take(sources.Count).SequenceEqual(sources))
        {
            return "its sources are not consecutive";
        }

        return null;
    }

    // SlateDB's drain rules: only a named segment, nothing else running on it, and every L0 at or
    // below the newest drained one drained too (the watermark moves to it, so one left behind
    // would vanish from reads without being drained).
    private string? ValidateDrain(Ulid id, CompactionPlan plan, ManifestState tree)
    {
        if (plan.Segment.IsEmpty)
        {
            return "a drain must name a segment, not the root tree";
        }

        if (plan.L0Views.Any(v => !tree.L0.Any(l => l.Id == v)) || plan.SortedRuns.Any(r => !tree.Compacted.Any(c => c.Id == r)))
        {
            return "a drained L0 or sorted run is not in the segment";
        }

        if (_compactions.Recent.Any(c => c.Id != id && c.Status == CompactionStatus.Running && PlanOf(c).Segment.Span.SequenceEqual(plan.Segment.Span)))
        {
            return "another compaction of the segment is running";
        }

        if (plan.HasL0)
        {
            var newest = tree.L0.Select((v, i) => (v.Id, i)).Where(p => plan.L0Views.Contains(p.Id)).Min(p => p.i);
            if (tree.L0.Skip(newest).Any(v => !plan.L0Views.Contains(v.Id)))
            {
                return "an L0 older than a drained one is not drained";
            }
        }

        return null;
    }

    private RetentionRules RulesFor(ManifestState manifest, CompactionPlan plan)
    {
        var minSeq = manifest.RecentSnapshotMinSeq;
        if (_oldestSnapshot?.Invoke() is { } oldest)
        {
            minSeq = Math.Min(minSeq, oldest);
        }

        var last = manifest.Compacted.IsEmpty || manifest.Compacted[^1].Id == plan.Destination;
        return new RetentionRules(minSeq, manifest.LastL0ClockTick, last);
    }

    private CompactionPlan PlanOf(CompactionRecord compaction) =>
        _plans.TryGetValue(compaction.Id, out var plan) ? plan : CompactionPlan.FromSpec(compaction.Spec);

    // Scheduled and Compacted (SlateDB 0.14's distributed compaction) are active too: their sources
    // are taken and their outputs not yet in the manifest.
    private static bool IsActive(CompactionRecord c) =>
        c.Status is CompactionStatus.Submitted or CompactionStatus.Running or CompactionStatus.Scheduled or CompactionStatus.Compacted;

    private bool StoresDestination => _compactionsStore.WriteVersion >= CompactionsCodec.V2;

    private static bool IsFence(SlateFastException e) => e.Kind == ErrorKind.Closed && e.CloseReason == CloseReason.Fenced;

    /// <summary>Throws <see cref="ErrorKind.Closed"/> (<see cref="CloseReason.Fenced"/>) naming the newer compactor, once one took over.</summary>
    public void ThrowIfFenced()
    {
        if (Volatile.Read(ref _fenced) is { } fenced)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Fenced, fenced.Message, fenced);
        }
    }

    private Ulid NewUlid()
    {
        lock (_random)
        {
            return Ulid.NewUlid(_options.TimeProvider, _random);
        }
    }

    private void Put(CompactionRecord compaction) =>
        _compactions = _compactions with { Recent = [.. _compactions.Recent.Where(c => c.Id != compaction.Id), compaction] };

    private void SetStatus(Ulid id, CompactionStatus status, ImmutableArray<CompactedSst>? outputs = null)
    {
        if (_compactions.Recent.FirstOrDefault(c => c.Id == id) is { } c)
        {
            Put(c with { Status = status, OutputSsts = outputs ?? c.OutputSsts });
        }
    }
}
