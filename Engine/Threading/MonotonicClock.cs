namespace SlateFast.Threading;

/// <summary>
/// Milliseconds since the Unix epoch from the injected clock, never going backwards within a
/// process and never below what the database already recorded (SlateDB's "clock tick"): a
/// clock stepping back cannot make a newer write look older than an older one.
/// </summary>
internal sealed class MonotonicClock(TimeProvider time, long floor)
{
    private long _last = floor;

    public long Last => Volatile.Read(ref _last);

    /// <summary>The current tick: max(now, every earlier tick).</summary>
    public long Now()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var last = Volatile.Read(ref _last);
        while (now > last)
        {
            var seen = Interlocked.CompareExchange(ref _last, now, last);
            if (seen == last)
            {
                return now;
            }

            last = seen;
        }

        return last;
    }

    /// <summary>Raises the floor (recovery found a later tick).</summary>
    public void AtLeast(long tick)
    {
        var last = Volatile.Read(ref _last);
        while (tick > last)
        {
            var seen = Interlocked.CompareExchange(ref _last, tick, last);
            if (seen == last)
            {
                return;
            }

            last = seen;
        }
    }
}
