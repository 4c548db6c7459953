namespace SlateFast.Memory;

/// <summary>Lock-free monotonic updates of shared counters.</summary>
internal static class Atomic
{
    public static void Max(ref ulong field, ulong value)
    {
        var current = Volatile.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public static void Max(ref long field, long value)
    {
        var current = Volatile.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public static void Min(ref ulong field, ulong value)
    {
        var current = Volatile.Read(ref field);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
