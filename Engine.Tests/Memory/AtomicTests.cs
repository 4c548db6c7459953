using SlateFast.Memory;

namespace SlateFast.Tests.Memory;

/// <summary>
/// <see cref="Atomic"/>'s monotonic updates: however writers interleave, a field moved by Max
/// ends at the largest value offered and one moved by Min at the smallest, and neither ever moves
/// back (the sequence numbers and clock ticks of a memtable rely on it).
/// </summary>
public sealed class AtomicTests
{
    private const int Threads = 4;
    private const int PerThread = 50_000;

    private static IEnumerable<ulong> Offered(int thread)
    {
        var random = new Random(thread);
        for (var i = 0; i < PerThread; i++)
        {
            yield return (ulong)random.NextInt64(1, 1_000_000);
        }
    }

    [Fact]
    public async Task Concurrent_Max_and_Min_end_at_the_extremes_offered_and_never_move_back()
    {
        ulong max = 0, min = ulong.MaxValue;
        long signedMax = long.MinValue;
        var backwards = 0;
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            foreach (var value in Offered(t))
            {
                var before = Volatile.Read(ref max);
                Atomic.Max(ref max, value);
                Atomic.Min(ref min, value);
                Atomic.Max(ref signedMax, (long)value - 500_000);
                if (Volatile.Read(ref max) < before)
                {
                    Interlocked.Increment(ref backwards);
                }
            }
        })));

        var offered = Enumerable.Range(0, Threads).SelectMany(Offered).ToList();
        Assert.Equal(offered.Max(), max);
        Assert.Equal(offered.Min(), min);
        Assert.Equal((long)offered.Max() - 500_000, signedMax);
        Assert.Equal(0, backwards);
    }

    [Fact]
    public void Max_and_Min_leave_a_field_that_already_holds_more_or_less_unchanged()
    {
        ulong field = 10;
        Atomic.Max(ref field, 3UL);
        Assert.Equal(10UL, field);
        Atomic.Min(ref field, 30UL);
        Assert.Equal(10UL, field);
        long negative = -5;
        Atomic.Max(ref negative, -7L);
        Assert.Equal(-5L, negative);
    }
}
