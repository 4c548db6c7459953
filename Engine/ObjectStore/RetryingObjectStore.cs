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

    /// <summary>
    /// The time one operation may take over all its attempts; no retry starts after it. Null: the
    /// wrapped store's own setting (<see cref="S3StoreOptions.OperationTimeout"/>), else unbounded.
    /// </summary>
    public TimeSpan? OperationTimeout { get; init; }
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
    private readonly Threading.Backoff _backoff;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public RetryingObjectStore(IObjectStore inner, RetryOptions? options = null)
        : base(inner)
    {
        _options = options ?? new RetryOptions();
        if (_options.MaxAttempts < 1)
        {
            ThrowHelper.Invalid("retry MaxAttempts must be at least 1");
        }

        _backoff = new Threading.Backoff(_options.InitialBackoff, _options.MaxBackoff, _options.TimeProvider, _options.Seed);
        _budget = _options.OperationTimeout ?? BudgetOf(inner);
    }

    private readonly TimeSpan? _budget;

    // The innermost store decides how long its operations may take in all (S3: operation_timeout).
    private static TimeSpan? BudgetOf(IObjectStore store)
    {
        while (store is ObjectStoreDecorator decorator)
        {
            store = decorator.Inner;
        }

        return store is S3ObjectStore s3 ? s3.Options.OperationTimeout : null;
    }

    // Whether another attempt may start after a backoff of the given length, or the failure stands;
    // when the time budget is what stops it, the error says so (with the attempts made).
    private bool MayRetry(ObjectStoreException e, int attempt, long started, TimeSpan backoff, out ObjectStoreException final)
    {
        final = e;
        if (attempt >= _options.MaxAttempts)
        {
            // One attempt allowed means retries are off: the failure stands as it is.
            final = attempt == 1 ? e : GaveUp(e, attempt, started, $"{attempt} attempts");
            return false;
        }

        if (_budget is { } budget && _options.TimeProvider.GetElapsedTime(started) + backoff >= budget)
        {
            final = GaveUp(e, attempt, started, $"operation_timeout {Durations.Format(budget)}");
            return false;
        }

        return true;
    }

    // Also after a single attempt when the time budget stopped the retry (a slow first attempt
    // leaves no room for a second), so the error says why nothing was retried.
    private ObjectStoreException GaveUp(ObjectStoreException e, int attempt, long started, string limit) =>
        new(
            e.Operation, e.Path, e.IsTransient,
            $"{e.Detail} (gave up after {attempt} attempt{(attempt == 1 ? "" : "s")} in {Durations.Format(_options.TimeProvider.GetElapsedTime(started))}; limit: {limit})",
            e.StatusCode, e) { TimedOut = e.TimedOut };

    /// <summary>Attempts made beyond the first, over the store's lifetime.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    private long _retries;

    /// <inheritdoc/>
    protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        RetryAsync(call, cancellationToken);

    /// <inheritdoc/>
    public override async ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        // After a transient failure an earlier attempt may have landed: "already exists" then
        // needs a read-back to tell our own object from somebody else's.
        var ambiguous = false;
        var result = await RetryAsync(
            async ct =>
            {
                try
                {
                    return await Inner.PutIfAbsentAsync(path, data, ct).ConfigureAwait(false);
                }
                catch (ObjectStoreException e) when (e.IsTransient)
                {
                    ambiguous = true;
                    throw;
                }
            },
            cancellationToken).ConfigureAwait(false);
        return result.Outcome == PutOutcome.AlreadyExists && ambiguous
            ? await ResolveAmbiguousAsync(path, data, PutResult.Exists, cancellationToken).ConfigureAwait(false)
            : result;
    }

    /// <inheritdoc/>
    public override async ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default)
    {
        var answered = await RetryAsync(
            async ct =>
            {
                try
                {
                    return (PutResult?)await Inner.PutIfMatchAsync(path, data, etag, ct).ConfigureAwait(false);
                }
                catch (ObjectStoreException e) when (e.IsTransient && (e.StatusCode is >= 500 || e.TimedOut))
                {
                    // The swap may or may not have happened (a server error, or a request sent
                    // whose answer never came); replaying it could overwrite a newer version if
                    // it did and somebody wrote after us. Re-read instead, outside the retries.
                    return null;
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (answered is { } result)
        {
            return result;
        }

        // The caller re-reads on "failed".
        Interlocked.Increment(ref _retries);
        return await ResolveAmbiguousAsync(path, data, PutResult.Failed, cancellationToken).ConfigureAwait(false);
    }

    // The one retry loop: transient failures are tried again after a backoff until the attempt
    // or time limit, which turns the last failure into the final error.
    private async ValueTask<T> RetryAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var started = _options.TimeProvider.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan backoff;
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectStoreException e) when (e.IsTransient)
            {
                backoff = Backoff(attempt);
                if (!MayRetry(e, attempt, started, backoff, out var final))
                {
                    throw final;
                }
            }

            Interlocked.Increment(ref _retries);
            await Task.Delay(backoff, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    // Reads back through this decorator so the read itself is retried.
    private ValueTask<PutResult> ResolveAmbiguousAsync(string path, ReadOnlyMemory<byte> data, PutResult otherwise, CancellationToken cancellationToken) =>
        AmbiguousWrites.ResolveAsync(this, path, data, otherwise, cancellationToken);

    private TimeSpan Backoff(int attempt) => _backoff.Delay(attempt);
}
