namespace SlateFast.Segments;

/// <summary>Binary search over segment prefixes kept in ascending byte order (the manifest's segments, a router's known prefixes).</summary>
internal static class SortedPrefixes
{
    /// <summary>The index of <paramref name="prefix"/> in <paramref name="sorted"/>, or the bitwise complement of where it would go.</summary>
    public static int IndexOf<T>(ReadOnlySpan<T> sorted, Func<T, ReadOnlyMemory<byte>> prefixOf, ReadOnlySpan<byte> prefix)
    {
        int lo = 0, hi = sorted.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = prefixOf(sorted[mid]).Span.SequenceCompareTo(prefix);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
