namespace SlateFast.ObjectStore;

/// <summary>Bounds and pacing of <see cref="RetryingObjectStore"/>.</summary>
public sealed record RetryOptions
{
    /// <summary>Attempts per operation, the first included.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>The first backoff; each next one doubles, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest single backoff.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed of the jitter (null: a random seed). Tests fix it.</summary>
    public int? Seed { get; init; }

    /// <summary>The clock backoffs wait on; tests inject a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// Retries transient store failures with exponential backoff and full jitter, a bounded number of
/// times. Permanent failures and exhausted retries surface unchanged.
/// </summary>
/// <remarks>
/// Conditional writes are ambiguous after a transient failure: the request may have been applied
/// even though its response was lost. A retried create-if-absent that then finds the object
/// compares its bytes and claims success only when they are its own. A compare-and-swap that
/// failed with a server error is not replayed (the tag it carried may already be stale because
/// of its own success); it re-reads the object and reports success only if the stored bytes are
/// its own, otherwise a precondition failure so the caller re-reads and decides.
/// </remarks>
public sealed class RetryingObjectStore : ObjectStoreDecorator
{
    private readonly RetryOptions _options;
    private readonly Random _jitter;
    private readonly Lock _jitterLock = new();

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public RetryingObjectStore(IObjectStore inner, RetryOptions? options = null)
        : base(inner)
    {
        _options = options ?? new RetryOptions();
        if (_options.MaxAttempts < 1)
        {
            ThrowHelper.Invalid("retry MaxAttempts must be at least 1");
        }

        _jitter = _options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>Attempts made beyond the first, over the store's lifetime.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    private long _retries;

    /// <inheritdoc/>
    protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectStoreException e) when (e.IsTransient && attempt < _options.MaxAttempts)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(Backoff(attempt), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var ambiguous = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await Inner.PutIfAbsentAsync(path, data, cancellationToken).ConfigureAwait(false);
                if (result.Outcome == PutOutcome.AlreadyExists && ambiguous)
                {
                    return await ResolveAmbiguousAsync(path, data, PutResult.Exists, cancellationToken).ConfigureAwait(false);
                }

                return result;
            }
            catch (ObjectStoreException e) when (e.IsTransient && attempt < _options.MaxAttempts)
            {
                ambiguous = true;
                Interlocked.Increment(ref _retries);
                await Task.Delay(Backoff(attempt), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Inner.PutIfMatchAsync(path, data, etag, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectStoreException e) when (e.IsTransient && e.StatusCode is >= 500)
            {
                // The swap may or may not have happened; replaying it could overwrite a newer
                // version if it did and somebody wrote after us. Re-read instead.
                Interlocked.Increment(ref _retries);
                return await ResolveAmbiguousAsync(path, data, PutResult.Failed, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectStoreException e) when (e.IsTransient && attempt < _options.MaxAttempts)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(Backoff(attempt), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Reads back through this decorator so the read itself is retried.
    private ValueTask<PutResult> ResolveAmbiguousAsync(string path, ReadOnlyMemory<byte> data, PutResult otherwise, CancellationToken cancellationToken) =>
        AmbiguousWrites.ResolveAsync(this, path, data, otherwise, cancellationToken);

    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.MaxBackoff.TotalMilliseconds, _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
        double fraction;
        lock (_jitterLock)
        {
            fraction = _jitter.NextDouble();
        }

        return TimeSpan.FromMilliseconds(ceiling * fraction);
    }
}
