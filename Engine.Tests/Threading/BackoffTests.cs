using SlateFast.Tests.Support;
using SlateFast.Threading;

namespace SlateFast.Tests.Threading;

/// <summary>
/// The one retry pacing: full jitter under a doubling ceiling, the same waits for the same seed,
/// and waits that run on the injected clock.
/// </summary>
public sealed class BackoffTests
{
    [Fact]
    public void Each_wait_is_below_a_ceiling_that_doubles_up_to_the_maximum()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), TimeProvider.System, seed: 3);
        for (int attempt = 1; attempt <= 40; attempt++)
        {
            var ceiling = Math.Min(1000, 50 * Math.Pow(2, attempt - 1));
            var wait = backoff.Delay(attempt);
            Assert.InRange(wait.TotalMilliseconds, 0, ceiling);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_waits()
    {
        var a = new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TimeProvider.System, seed: 42);
        var b = new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TimeProvider.System, seed: 42);
        Assert.Equal(Enumerable.Range(1, 10).Select(a.Delay), Enumerable.Range(1, 10).Select(b.Delay));
    }

    [Fact]
    public async Task A_wait_ends_when_the_injected_clock_passes_it()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var backoff = new Backoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), clock, seed: 1);
        var wait = backoff.WaitAsync(1, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(10));
        await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
