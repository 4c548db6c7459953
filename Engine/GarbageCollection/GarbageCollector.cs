using Microsoft.Extensions.Logging;
using SlateFast.Db.Checkpoints;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.GarbageCollection;

/// <summary>
/// Deletes objects no reader of the database can need any more (spec §12): old manifests, WAL
/// objects below the replay point, unreferenced compacted SSTs and old compactions files. Before
/// each task it removes expired checkpoints from the manifest, so what only they kept can go.
/// </summary>
/// <remarks>
/// Runs either once (<see cref="RunOnceAsync"/>: the CLI and the admin API) or as one loop per
/// kind with that kind's interval (<see cref="Start"/>), in the database process or standalone.
/// It owns no epoch and writes only checkpoint removals, so it never fences anyone; a conflicting
/// manifest update is re-applied on the newer version. A failed task is logged and retried at its
/// next interval: collecting garbage late is always safe.
/// </remarks>
internal sealed class GarbageCollector : IAsyncDisposable
{
    private readonly IObjectStore _store;
    private readonly IObjectStore _walStore;
    private readonly string _db;
    private readonly GarbageCollectorOptions _options;
    private readonly IBlockTransformer? _transformer;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private long _passes;

    /// <summary>A collector for the database at <paramref name="db"/>; its WAL is in <paramref name="walStore"/> when it has a separate one.</summary>
    public GarbageCollector(IObjectStore store, string db, GarbageCollectorOptions options, TimeProvider time, ILoggerFactory? loggers, IObjectStore? walStore = null, IBlockTransformer? transformer = null)
    {
        _transformer = transformer;
        options.Validate();
        _store = store;
        _walStore = walStore ?? store;
        _db = db;
        _options = options;
        _time = time;
        _log = loggers?.CreateLogger("SlateFast.GarbageCollector") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>Completed tasks (one kind each; loops and explicit runs).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Completes when the next task finishes; tests wait on it instead of sleeping.</summary>
    public Task NextPass => Volatile.Read(ref _nextPass).Task;

    private TaskCompletionSource _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Starts one loop per kind that has an interval. A store failure is retried at the next
    /// interval; anything the loop does not expect stops it and goes to <paramref name="onCrash"/>,
    /// so a collector that died is an error somebody sees, not storage that quietly stops shrinking.
    /// </summary>
    public void Start(Action<string, Exception>? onCrash = null)
    {
        foreach (var kind in Enum.GetValues<GcKind>())
        {
            if (Options(kind) is { Interval: { } interval } directory)
            {
                _loops.Add(Threading.BackgroundLoop.Start($"{kind} garbage collector", () => LoopAsync(kind, interval, directory.MinAge), (loop, e) =>
                {
                    _log.LogError(e, "garbage collection of {Db} stopped: {Message}", _db, Threading.BackgroundLoop.Describe(loop, e));
                    onCrash?.Invoke(loop, e);
                }, _stop.Token));
            }
        }
    }

    /// <summary>Expires checkpoints, then runs every configured kind once: manifests, WAL, compacted SSTs, compactions files.</summary>
    public async Task<GarbageCollectionResult> RunOnceAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        var context = new GcContext(_store, _walStore, _db, _time, dryRun, _log, _transformer);
        var expired = dryRun ? await ExpiredAsync(context, cancellationToken).ConfigureAwait(false) : await RemoveExpiredCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        var manifests = await CollectAsync(context, GcKind.Manifest, cancellationToken).ConfigureAwait(false);
        var wal = await CollectAsync(context, GcKind.Wal, cancellationToken).ConfigureAwait(false);
        var compacted = await CollectAsync(context, GcKind.Compacted, cancellationToken).ConfigureAwait(false);
        var compactions = await CollectAsync(context, GcKind.Compactions, cancellationToken).ConfigureAwait(false);
        return new GarbageCollectionResult(dryRun, expired, manifests, wal, compacted, compactions);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _stop.Dispose();
    }

    private GarbageCollectorDirectoryOptions? Options(GcKind kind) => kind switch
    {
        GcKind.Manifest => _options.Manifest,
        GcKind.Wal => _options.Wal,
        GcKind.Compacted => _options.Compacted,
        _ => _options.Compactions,
    };

    private async Task<List<string>> CollectAsync(GcContext context, GcKind kind, CancellationToken cancellationToken)
    {
        if (Options(kind) is not { } directory)
        {
            return [];
        }

        var result = kind switch
        {
            GcKind.Manifest => await ManifestGc.CollectAsync(context, directory.MinAge, cancellationToken).ConfigureAwait(false),
            GcKind.Wal => await WalGc.CollectAsync(context, directory.MinAge, cancellationToken).ConfigureAwait(false),
            GcKind.Compacted => await CompactedGc.CollectAsync(context, directory.MinAge, cancellationToken).ConfigureAwait(false),
            _ => await CompactionsGc.CollectAsync(context, directory.MinAge, cancellationToken).ConfigureAwait(false),
        };
        Interlocked.Increment(ref _passes);
        Interlocked.Exchange(ref _nextPass, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (result.Count > 0)
        {
            _log.LogInformation("garbage collection of {Kind} objects in {Db} {Verb} {Count}", kind, _db, context.DryRun ? "would delete" : "deleted", result.Count);
        }

        return result;
    }

    private async Task LoopAsync(GcKind kind, TimeSpan interval, TimeSpan minAge)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, token).ConfigureAwait(false);
                await RemoveExpiredCheckpointsAsync(token).ConfigureAwait(false);
                await CollectAsync(new GcContext(_store, _walStore, _db, _time, dryRun: false, _log, _transformer), kind, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (Failures.IsExpected(e))
            {
                _log.LogWarning(e, "garbage collection of {Kind} objects in {Db} failed; retrying in {Interval}", kind, _db, interval);
            }
        }
    }

    private async Task<List<Guid>> RemoveExpiredCheckpointsAsync(CancellationToken cancellationToken)
    {
        var removed = new List<Guid>();
        await ManifestEditor.ApplyAsync(
            new ManifestStore(_store, _db),
            (_, state) =>
            {
                removed.Clear();
                var now = _time.GetUtcNow();
                removed.AddRange(state.Checkpoints.Where(c => CheckpointEdits.IsExpired(c, now)).Select(c => CheckpointIds.ToGuid(c.Id)));
                return CheckpointEdits.RemoveExpired(state, now);
            },
            _time,
            TimeSpan.FromMinutes(5),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var id in removed)
        {
            _log.LogInformation("removed expired checkpoint {Id} of {Db}", id, _db);
        }

        return removed;
    }

    private static async Task<List<Guid>> ExpiredAsync(GcContext context, CancellationToken cancellationToken)
    {
        var latest = await context.Manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {context.Db} in {context.Store}");
        var now = context.Now;
        return [.. latest.State.Checkpoints.Where(c => CheckpointEdits.IsExpired(c, now)).Select(c => CheckpointIds.ToGuid(c.Id))];
    }
}
