namespace SlateFast.Threading;

/// <summary>
/// The engine's one retry pacing: exponential backoff with full jitter (each wait uniform in
/// [0, min(max, initial · 2^(attempt-1))), which spreads retrying clients apart) on an injected
/// clock, so tests drive it with a fake one. The jitter comes from a seeded source when a seed is
/// given (<see cref="DbOptions.Seed"/>, <see cref="ObjectStore.RetryOptions.Seed"/>).
/// </summary>
internal sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _jitter;
    // Guards _jitter (Random is not thread-safe); held only for one draw.
    private readonly Lock _lock = new();

    public Backoff(TimeSpan initial, TimeSpan max, TimeProvider time, int? seed)
    {
        _initial = initial;
        _max = max;
        Time = time;
        _jitter = seed is { } s ? new Random(s) : new Random();
    }

    /// <summary>The clock waits run on.</summary>
    public TimeProvider Time { get; }

    /// <summary>What a database's background retries use: 50 ms doubling up to 5 s, on its clock and seed.</summary>
    public static Backoff For(DbOptions options) => new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), options.TimeProvider, options.Seed);

    /// <summary>
    /// The same pacing on the wall clock, for restarting whole uploads and the compactor's start:
    /// tests that drive the database's clock by hand would otherwise never see those restarts
    /// happen (they waited on the wall clock before the pacing was unified; moving them onto the
    /// injected clock needs those tests to advance it).
    /// </summary>
    public static Backoff ForRestarts(DbOptions options) => new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TimeProvider.System, options.Seed);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, after <paramref name="attempt"/> (1-based) failed.</summary>
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(_max.TotalMilliseconds, _initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        double fraction;
        lock (_lock)
        {
            fraction = _jitter.NextDouble();
        }

        return TimeSpan.FromMilliseconds(ceiling * fraction);
    }

    /// <summary>Waits <see cref="Delay"/> on the clock.</summary>
    public Task WaitAsync(int attempt, CancellationToken cancellationToken) => Task.Delay(Delay(attempt), Time, cancellationToken);
}
