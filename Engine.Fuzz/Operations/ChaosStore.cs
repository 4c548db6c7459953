using SlateFast.ObjectStore;
using SlateFast.Testing;

namespace SlateFast.Fuzz.Operations;

/// <summary>
/// A store decorator for whole-engine fault runs. Unlike <see cref="FaultInjectingObjectStore"/>
/// it also fails streaming uploads (each <c>write</c> and <c>complete</c> of an
/// <see cref="IObjectWriter"/>), it can fail reads the way a truncated body does, and its
/// decisions do not depend on thread interleaving: whether the n-th request of one kind on one
/// path fails is a hash of (seed, operation, path, n), so a seed replays the same faults even
/// though the engine's background loops race the caller.
/// </summary>
/// <remarks>
/// <see cref="CutOff"/> models a process crash: from then on every request of the old process
/// fails permanently and nothing it still had in flight reaches the store.
/// </remarks>
internal sealed class ChaosStore(IObjectStore inner, int seed) : ObjectStoreDecorator(inner)
{
    private readonly Dictionary<(string Operation, string Path), int> _counts = [];
    private readonly Lock _lock = new();
    private long _injected;

    /// <summary>Probability (0..1) that a request fails with a transient error.</summary>
    public double TransientRate { get; set; }

    /// <summary>Probability (0..1) that an injected fault strikes after the request was applied.</summary>
    public double AfterApplyRate { get; set; }

    /// <summary>Targeted failures: given operation and path, true fails the request permanently.</summary>
    public Func<string, string, bool>? Permanent { get; set; }

    /// <summary>The process that used this store crashed: every request fails, nothing more lands.</summary>
    public bool CutOff { get; set; }

    /// <summary>Faults injected so far.</summary>
    public long Injected => Interlocked.Read(ref _injected);

    /// <summary>Transient faults, one per kind S3 produces, for messages and counts.</summary>
    public static readonly string[] TransientKinds = ["503 SlowDown", "500 InternalError", "timeout", "connection reset", "truncated read"];

    /// <inheritdoc/>
    protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var (fault, after) = Decide(operation, path);
        if (fault is not null && !after)
        {
            throw fault;
        }

        var result = await call(cancellationToken).ConfigureAwait(false);
        if (CutOff)
        {
            // The response never reached the crashed process; what was applied stays applied.
            throw Crashed(operation, path);
        }

        return fault is not null ? throw fault : result;
    }

    /// <inheritdoc/>
    public override async ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default)
    {
        var writer = await base.OpenWriterAsync(path, cancellationToken).ConfigureAwait(false);
        return new Writer(this, writer);
    }

    private (ObjectStoreException? Fault, bool AfterApply) Decide(string operation, string path)
    {
        if (CutOff)
        {
            return (Crashed(operation, path), false);
        }

        if (Permanent?.Invoke(operation, path) == true)
        {
            Interlocked.Increment(ref _injected);
            return (new ObjectStoreException(operation, path, false, "injected permanent failure", 403), false);
        }

        var rate = TransientRate;
        if (rate <= 0)
        {
            return (null, false);
        }

        int n;
        lock (_lock)
        {
            n = _counts.TryGetValue((operation, path), out var c) ? c : 0;
            _counts[(operation, path)] = n + 1;
        }

        var h = Mix(seed, operation, path, n);
        if (Unit(h) >= rate)
        {
            return (null, false);
        }

        Interlocked.Increment(ref _injected);
        var reads = operation is "get" or "get-range";
        var kind = (int)((h >> 20) % (ulong)(reads ? TransientKinds.Length : TransientKinds.Length - 1));
        int? status = kind switch { 0 => 503, 1 => 500, _ => null };
        var after = !reads && Unit(h >> 7) < AfterApplyRate;
        var message = kind == 4 ? "injected truncated read: body ended early" : $"injected {TransientKinds[kind]}";
        return (new ObjectStoreException(operation, path, true, message, status), after);
    }

    private static ObjectStoreException Crashed(string operation, string path) =>
        new(operation, path, false, "injected crash: the writing process is gone");

    private static double Unit(ulong h) => (h >> 11) * (1.0 / (1UL << 53));

    // FNV-1a over the request's identity, then a 64-bit finalizer so nearby counters spread.
    private static ulong Mix(int seed, string operation, string path, int n)
    {
        var h = 14695981039346656037UL ^ (uint)seed;
        foreach (var c in operation)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        foreach (var c in path)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        h = (h ^ (uint)n) * 1099511628211UL;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        return h ^ (h >> 33);
    }

    // A streaming upload whose parts and completion can fail like any request.
    private sealed class Writer(ChaosStore store, IObjectWriter inner) : IObjectWriter
    {
        public string Path => inner.Path;

        public long BytesWritten => inner.BytesWritten;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            var (fault, _) = store.Decide("write", inner.Path);
            if (fault is not null)
            {
                await inner.AbortAsync(CancellationToken.None).ConfigureAwait(false);
                throw fault;
            }

            await inner.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask<ObjectMeta> CompleteAsync(CancellationToken cancellationToken = default)
        {
            var (fault, after) = store.Decide("complete", inner.Path);
            if (fault is not null && !after)
            {
                await inner.AbortAsync(CancellationToken.None).ConfigureAwait(false);
                throw fault;
            }

            var meta = await inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return fault is not null ? throw fault : meta;
        }

        public ValueTask AbortAsync(CancellationToken cancellationToken = default) => inner.AbortAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
