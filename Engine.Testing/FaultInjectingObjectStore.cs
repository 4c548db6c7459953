using SlateFast.ObjectStore;

namespace SlateFast.Testing;

/// <summary>The kinds of failure <see cref="FaultInjectingObjectStore"/> can inject.</summary>
public enum FaultKind
{
    /// <summary>HTTP 503 SlowDown: transient.</summary>
    SlowDown,

    /// <summary>HTTP 500: transient, and ambiguous for conditional writes.</summary>
    InternalError,

    /// <summary>A request timeout: transient.</summary>
    Timeout,

    /// <summary>A connection reset, possibly mid-body: transient.</summary>
    ConnectionReset,

    /// <summary>A failure that retrying does not cure.</summary>
    Permanent,
}

/// <summary>One fault decision for one request.</summary>
/// <param name="Kind">What fails.</param>
/// <param name="AfterApply">Fail after the inner store applied the request (the response is lost), not before.</param>
public readonly record struct Fault(FaultKind Kind, bool AfterApply = false);

/// <summary>Settings of <see cref="FaultInjectingObjectStore"/>.</summary>
public sealed record FaultOptions
{
    /// <summary>The seed: the same seed and the same sequence of calls give the same faults.</summary>
    public int Seed { get; init; }

    /// <summary>Probability (0..1) that a request fails.</summary>
    public double ErrorRate { get; init; }

    /// <summary>The fault kinds drawn from, uniformly.</summary>
    public FaultKind[] Kinds { get; init; } = [FaultKind.SlowDown, FaultKind.InternalError, FaultKind.Timeout, FaultKind.ConnectionReset];

    /// <summary>Probability (0..1) that an injected fault strikes after the request was applied.</summary>
    public double AfterApplyRate { get; init; }

    /// <summary>Operations subject to faults ("put", "put-if-absent", "get-range", ...); null means all.</summary>
    public IReadOnlySet<string>? Operations { get; init; }

    /// <summary>Only paths starting with this prefix get faults; null means all.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>Added latency per request, drawn uniformly between these bounds.</summary>
    public TimeSpan MinLatency { get; init; }

    /// <summary>Upper bound of added latency.</summary>
    public TimeSpan MaxLatency { get; init; }

    /// <summary>The clock latency waits on.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// Injects seeded failures and latency in front of another store, for tests. Faults come from
/// <see cref="FaultOptions.ErrorRate"/>, or from a rule set with <see cref="Rule"/> for targeted
/// scenarios ("fail the next WAL write after it lands").
/// </summary>
public sealed class FaultInjectingObjectStore : ObjectStoreDecorator
{
    private readonly Random _random;
    private readonly Lock _lock = new();
    private long _injected;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FaultInjectingObjectStore(IObjectStore inner, FaultOptions? options = null)
        : base(inner)
    {
        Options = options ?? new FaultOptions();
        _random = new Random(Options.Seed);
    }

    /// <summary>The current settings; replace them to change the fault rates mid-test.</summary>
    public FaultOptions Options { get; set; }

    /// <summary>
    /// A rule consulted before the random draw: given the operation and path, a fault to inject
    /// or null. Lets a test fail exactly the request it is about.
    /// </summary>
    public Func<string, string, Fault?>? Rule { get; set; }

    /// <summary>Faults injected so far.</summary>
    public long Injected => Interlocked.Read(ref _injected);

    /// <inheritdoc/>
    protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var options = Options;
        var (fault, latency) = Decide(options, operation, path);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (fault is { AfterApply: false } before)
        {
            throw Fail(before.Kind, operation, path);
        }

        var result = await call(cancellationToken).ConfigureAwait(false);
        if (fault is { AfterApply: true } after)
        {
            throw Fail(after.Kind, operation, path);
        }

        return result;
    }

    private (Fault? Fault, TimeSpan Latency) Decide(FaultOptions options, string operation, string path)
    {
        lock (_lock)
        {
            var latency = options.MaxLatency > options.MinLatency
                ? options.MinLatency + ((options.MaxLatency - options.MinLatency) * _random.NextDouble())
                : options.MinLatency;
            if (Rule?.Invoke(operation, path) is { } ruled)
            {
                return (ruled, latency);
            }

            var applies = (options.Operations is null || options.Operations.Contains(operation))
                && (options.PathPrefix is null || path.StartsWith(options.PathPrefix, StringComparison.Ordinal));
            if (!applies || options.ErrorRate <= 0 || options.Kinds.Length == 0 || _random.NextDouble() >= options.ErrorRate)
            {
                return (null, latency);
            }

            var kind = options.Kinds[_random.Next(options.Kinds.Length)];
            var afterApply = _random.NextDouble() < options.AfterApplyRate;
            return (new Fault(kind, afterApply), latency);
        }
    }

    private ObjectStoreException Fail(FaultKind kind, string operation, string path)
    {
        Interlocked.Increment(ref _injected);
        return kind switch
        {
            FaultKind.SlowDown => new ObjectStoreException(operation, path, true, "injected 503 SlowDown", 503),
            FaultKind.InternalError => new ObjectStoreException(operation, path, true, "injected 500 InternalError", 500),
            FaultKind.Timeout => new ObjectStoreException(operation, path, true, "injected timeout") { TimedOut = true },
            FaultKind.ConnectionReset => new ObjectStoreException(operation, path, true, "injected connection reset"),
            _ => new ObjectStoreException(operation, path, false, "injected permanent failure", 403),
        };
    }
}
