using SlateFast.ObjectStore;

namespace SlateFast.Fuzz.Operations;

/// <summary>
/// Runs an operation sequence against a database on an <see cref="InMemoryObjectStore"/> and
/// against the <see cref="Model"/>, checking every read and every recovery.
/// </summary>
/// <remarks>
/// Crash model: each process generation talks to the store through its own
/// <see cref="ChaosStore"/>. A crash cuts that store off (whatever the old process still had in
/// flight fails and never lands), drops the handle, and opens a new generation on the same
/// objects. The recovered database must be the durable state plus a prefix of later commits.
/// </remarks>
internal sealed partial class OpRunner : IAsyncDisposable
{
    private const string DbPath = "db";
    private static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(60);

    private readonly InMemoryObjectStore _objects;
    private readonly ManualTime _clock = new();
    private readonly OpSequence _sequence;
    private readonly int _seed;
    private readonly List<(DbSnapshot Snapshot, SortedDictionary<byte[], byte[]> State)> _snapshots = [];
    private readonly List<(Guid Id, SortedDictionary<byte[], byte[]> State)> _checkpoints = [];
    private ChaosStore _chaos;
    private IObjectStore _store;
    private DbHandle? _db;
    private int _generation;
    private int _opens;
    private double _faultRate;

    public OpRunner(OpSequence sequence)
    {
        _sequence = sequence;
        _seed = sequence.Seed;
        _objects = new InMemoryObjectStore(_clock);
        (_chaos, _store) = NewGeneration();
    }

    public Model Model { get; } = new();

    public OpStats Stats { get; } = new();

    /// <summary>Runs every operation; returns null, or what went wrong at which step.</summary>
    public static async Task<string?> RunAsync(OpSequence sequence, OpStats? stats = null)
    {
        await using var runner = new OpRunner(sequence);
        string? failure = null;
        try
        {
            await runner.OpenAsync().ConfigureAwait(false);
            for (var i = 0; i < sequence.Ops.Count; i++)
            {
                var op = sequence.Ops[i];
                try
                {
                    await OpCatalog.Find(op.Kind).Execute(runner, op).WaitAsync(OpTimeout).ConfigureAwait(false);
                    runner.Stats.Count(op.Kind);
                }
                catch (Exception e)
                {
                    failure = $"op {i} ({op}): {Describe(e)}";
                    break;
                }
            }
        }
        catch (Exception e)
        {
            failure ??= $"open: {Describe(e)}";
        }

        stats?.Add(runner.Stats);
        return failure;
    }

    private static string Describe(Exception e) => e switch
    {
        ModelMismatchException m => m.Message,
        TimeoutException => "hang: the operation did not finish within 60 s",
        SlateFastException s => $"unexpected {s.Kind}{(s.Kind == ErrorKind.Closed ? $"({s.CloseReason})" : string.Empty)}: {s.Message}",
        _ => $"unexpected {e.GetType().Name}: {e.Message}\n{e.StackTrace}",
    };

    private DbHandle Db => _db ?? throw new ModelMismatchException("no open database");

    private (ChaosStore, IObjectStore) NewGeneration()
    {
        var chaos = new ChaosStore(_objects, unchecked((_seed * 31) + _generation++)) { TransientRate = _faultRate, AfterApplyRate = 0.3 };

        // Attempts enough that a 15 % fault rate never exhausts them; no real backoff, so runs stay fast.
        var retrying = new RetryingObjectStore(chaos, new RetryOptions { MaxAttempts = 30, InitialBackoff = TimeSpan.FromTicks(10), MaxBackoff = TimeSpan.FromMilliseconds(1), Seed = _seed });
        return (chaos, retrying);
    }

    private DbOptions Options => new()
    {
        L0SstSizeBytes = _sequence.L0SstSizeBytes,
        MaxUnflushedBytes = 64L * 1024 * 1024,
        // The in-process compactor runs (and the compact op forces it); a high cap keeps a
        // compactor failing under injected faults from stalling the flusher.
        L0MaxSsts = 100_000,
        Compactor = new() { PollInterval = TimeSpan.FromMilliseconds(200) },
        FlushInterval = TimeSpan.FromMilliseconds(20),
        MergeOperator = MergeOperators.Concat,
        GarbageCollector = null,
        BlockSize = 1024,
        MinFilterKeys = 10,
        // Each open gets its own seed (object names are never seeded any more, but replays of
        // old reproducers keep the same options).
        Seed = unchecked((_seed * 7919) + _opens),
    };

    private async Task OpenAsync()
    {
        _opens++;
        _db = await DbHandle.OpenAsync(DbPath, _store, Options).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseSnapshots();
        if (_db is { } db)
        {
            _db = null;
            try
            {
                await db.DisposeAsync().ConfigureAwait(false);
            }
            catch (SlateFastException)
            {
            }
        }
    }

    private void ReleaseSnapshots()
    {
        foreach (var (snapshot, _) in _snapshots)
        {
            snapshot.Dispose();
        }

        _snapshots.Clear();
    }

    /// <summary>Reads the whole database through a scan.</summary>
    private static async Task<SortedDictionary<byte[], byte[]>> ReadAllAsync(DbIterator iterator)
    {
        var state = Model.New();
        await using (((IAsyncDisposable)iterator).ConfigureAwait(false))
        {
            while (await iterator.NextAsync().ConfigureAwait(false) is { } kv)
            {
                if (!state.TryAdd(kv.Key, kv.Value))
                {
                    throw new ModelMismatchException($"scan returned key {Model.Hex(kv.Key)} twice");
                }
            }
        }

        return state;
    }

    private static void Expect(bool condition, Func<string> message)
    {
        if (!condition)
        {
            throw new ModelMismatchException(message());
        }
    }
}

/// <summary>Counts of operations run, by kind, and of faults injected.</summary>
internal sealed class OpStats
{
    public Dictionary<string, long> ByKind { get; } = new(StringComparer.Ordinal);

    public long Ops => ByKind.Values.Sum();

    public long Faults { get; set; }

    public long Crashes { get; set; }

    public long Recovered { get; set; }

    public void Count(string kind) => ByKind[kind] = ByKind.GetValueOrDefault(kind) + 1;

    public void Add(OpStats other)
    {
        foreach (var (k, v) in other.ByKind)
        {
            ByKind[k] = ByKind.GetValueOrDefault(k) + v;
        }

        Faults += other.Faults;
        Crashes += other.Crashes;
        Recovered += other.Recovered;
    }
}
