using SlateFast.Manifest;
using SlateFast.Memtables;

namespace SlateFast.Segments;

/// <summary>
/// The one home of how a key finds its segment (SlateDB 0.13's RFC-0024) and of the rules on
/// segment prefixes: every key must have a non-empty prefix, and no prefix may be a proper prefix
/// of another (segments own disjoint key ranges, so reads and compactions never merge across them).
/// A writer checks each key here before its commit reaches the WAL, so a refused write leaves no trace.
/// </summary>
internal sealed class SegmentRouter
{
    // Guards additions to _known; reads take the array as published.
    private readonly Lock _lock = new();

    // Every prefix this writer has seen, in the manifest or admitted, ascending; copy on write, so
    // the commit path's check is a lock-free binary search (a database has few segments).
    private byte[][] _known;

    public SegmentRouter(IPrefixExtractor extractor, IEnumerable<ReadOnlyMemory<byte>> existing)
    {
        Extractor = extractor;
        _known = [.. existing.Select(p => p.ToArray()).Order(ByteArrayComparer.Instance)];
    }

    public IPrefixExtractor Extractor { get; }

    /// <summary>
    /// The length of <paramref name="key"/>'s segment prefix; <see cref="ErrorKind.Invalid"/> when the
    /// extractor gives none, an empty one, or one longer than the key.
    /// </summary>
    public int PrefixLength(ReadOnlySpan<byte> key)
    {
        int n = Extractor.PrefixLength(key, PrefixTarget.Point);
        if (n <= 0 || n > key.Length)
        {
            ThrowHelper.Invalid(
                $"segment extractor '{Extractor.Name}' gives key {Hex(key)} " + (n <= 0 ? "no segment prefix" : $"a prefix of {n} bytes, longer than the key")
                + ": in a segmented database every key must belong to a segment");
        }

        return n;
    }

    /// <summary>Checks that <paramref name="key"/> may be written: it has a segment, and a new segment would not nest with a known one.</summary>
    public void Admit(ReadOnlySpan<byte> key)
    {
        var prefix = key[..PrefixLength(key)];
        var known = Volatile.Read(ref _known);
        if (Find(known, prefix) >= 0)
        {
            return;
        }

        lock (_lock)
        {
            known = _known;
            int at = Find(known, prefix);
            if (at >= 0)
            {
                return;
            }

            at = ~at;
            // Sorted order puts a prefix right before the keys it starts, so a nesting neighbour
            // is adjacent: the one before may start this prefix, the one after may start with it.
            if ((at > 0 && prefix.StartsWith(known[at - 1])) || (at < known.Length && known[at].AsSpan().StartsWith(prefix)))
            {
                var other = at > 0 && prefix.StartsWith(known[at - 1]) ? known[at - 1] : known[at];
                ThrowHelper.Invalid(
                    $"segment extractor '{Extractor.Name}' gives key {Hex(key)} the prefix {Hex(prefix)}, which nests with segment {Hex(other)}: "
                    + "segments must not be prefixes of one another");
            }

            var next = new byte[known.Length + 1][];
            known.AsSpan(0, at).CopyTo(next);
            next[at] = prefix.ToArray();
            known.AsSpan(at).CopyTo(next.AsSpan(at + 1));
            Volatile.Write(ref _known, next);
        }
    }

    /// <summary>Records prefixes already durable (replayed WAL rows), without the checks new writes get.</summary>
    public void Learn(IEnumerable<byte[]> prefixes)
    {
        lock (_lock)
        {
            Volatile.Write(ref _known, [.. _known.Concat(prefixes).Distinct(ByteArrayComparer.Instance).Order(ByteArrayComparer.Instance)]);
        }
    }

    /// <summary>
    /// The segments rows of <paramref name="rows"/> belong to, ascending, each with its first node;
    /// one seek per segment, not one extraction per row. <see cref="ErrorKind.Data"/> when a stored
    /// key has no prefix (the extractor changed its logic without changing its name).
    /// </summary>
    public List<(byte[] Prefix, uint First)> SegmentsOf(ArenaSkipList rows)
    {
        var result = new List<(byte[], uint)>();
        for (uint node = rows.First(); node != 0;)
        {
            var key = rows.KeyOf(node);
            int n = Extractor.PrefixLength(key, PrefixTarget.Point);
            if (n <= 0 || n > key.Length)
            {
                ThrowHelper.Data($"segment extractor '{Extractor.Name}' gives stored key {Hex(key)} no segment: was its logic changed without a new name?");
            }

            var prefix = key[..n].ToArray();
            result.Add((prefix, node));
            node = Successor(prefix) is { } after ? rows.SeekGE(after, ulong.MaxValue) : 0;
        }

        return result;
    }

    /// <summary>The smallest byte string greater than every string starting with <paramref name="prefix"/>; null when there is none (all 0xFF).</summary>
    public static byte[]? Successor(ReadOnlySpan<byte> prefix)
    {
        int i = prefix.Length - 1;
        while (i >= 0 && prefix[i] == 0xFF)
        {
            i--;
        }

        if (i < 0)
        {
            return null;
        }

        var next = prefix[..(i + 1)].ToArray();
        next[i]++;
        return next;
    }

    /// <summary>
    /// The open-time rules (SlateDB's <c>validate_extractor_configuration</c>): a database keeps the
    /// extractor it was created with, and every stored segment prefix must still be one the
    /// extractor gives. <see cref="ErrorKind.Invalid"/> naming both sides otherwise.
    /// </summary>
    public static void CheckConfiguration(ManifestState state, IPrefixExtractor? configured, string path)
    {
        var stored = state.SegmentExtractorName;
        if (stored != configured?.Name)
        {
            ThrowHelper.Invalid(
                stored is null
                    ? $"{path}: the database was created without segments; it cannot be opened with segment extractor '{configured!.Name}' (set DbOptions.SegmentExtractor only when creating a database)"
                    : configured is null
                        ? $"{path}: the database is segmented by extractor '{stored}'; open it with DbOptions.SegmentExtractor named '{stored}'"
                        : $"{path}: the database is segmented by extractor '{stored}', not '{configured.Name}'");
        }

        foreach (var segment in state.Segments)
        {
            if (configured!.PrefixLength(segment.Prefix.Span, PrefixTarget.Prefix) != segment.Prefix.Length)
            {
                ThrowHelper.Invalid($"{path}: segment extractor '{configured.Name}' does not give stored segment {Hex(segment.Prefix.Span)} as a prefix: its logic changed without a new name");
            }
        }
    }

    internal static string Hex(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= 64 ? Convert.ToHexString(bytes) : Convert.ToHexString(bytes[..64]) + $"… ({bytes.Length} bytes)";

    private static int Find(byte[][] known, ReadOnlySpan<byte> prefix) => SortedPrefixes.IndexOf<byte[]>(known, static k => k, prefix);
}
