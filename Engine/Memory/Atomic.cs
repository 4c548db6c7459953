namespace SlateFast.Memory;

/// <summary>Lock-free monotonic updates of shared counters, and the reference count rule.</summary>
internal static class Atomic
{
    /// <summary>
    /// Takes a reference on a count that frees its object at zero: succeeds only while the count
    /// is positive, so an object whose last reference went can never be revived.
    /// </summary>
    public static bool TryAddReference(ref int references)
    {
        var current = Volatile.Read(ref references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

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
