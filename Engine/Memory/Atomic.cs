using System.Numerics;
using System.Runtime.CompilerServices;

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

    /// <summary>Raises <paramref name="field"/> to <paramref name="value"/> unless it already holds as much.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Max<T>(ref T field, T value) where T : struct, IBinaryInteger<T> => Move(ref field, value, up: true);

    /// <summary>Lowers <paramref name="field"/> to <paramref name="value"/> unless it already holds as little.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Min<T>(ref T field, T value) where T : struct, IBinaryInteger<T> => Move(ref field, value, up: false);

    // One compare-exchange loop for both directions; `up` is a constant at every call site, so the
    // JIT keeps only one comparison. A stale first read costs one failed exchange, not a wrong value.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Move<T>(ref T field, T value, bool up) where T : struct, IBinaryInteger<T>
    {
        var current = field;
        while (up ? value > current : value < current)
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
