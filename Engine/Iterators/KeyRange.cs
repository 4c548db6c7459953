using SlateFast.Manifest;

namespace SlateFast;

/// <summary>How one end of a <see cref="KeyRange"/> limits the keys.</summary>
public enum KeyBoundKind : byte
{
    /// <summary>No limit on this side.</summary>
    Unbounded = 0,

    /// <summary>The bound key itself is in the range.</summary>
    Included = 1,

    /// <summary>The bound key itself is not in the range.</summary>
    Excluded = 2,
}

/// <summary>One end of a <see cref="KeyRange"/>: no limit, or a key that is in or out of the range.</summary>
public readonly struct KeyBound : IEquatable<KeyBound>
{
    private KeyBound(KeyBoundKind kind, ReadOnlyMemory<byte> key)
    {
        Kind = kind;
        Key = key;
    }

    /// <summary>Whether the bound is open, inclusive or exclusive.</summary>
    public KeyBoundKind Kind { get; }

    /// <summary>The bound key; empty for <see cref="KeyBoundKind.Unbounded"/>.</summary>
    public ReadOnlyMemory<byte> Key { get; }

    /// <summary>A bound that lets every key through on its side.</summary>
    public static KeyBound Unbounded => default;

    /// <summary>A bound at <paramref name="key"/> that keeps the key in the range. The key is copied.</summary>
    public static KeyBound Included(ReadOnlySpan<byte> key) => new(KeyBoundKind.Included, key.ToArray());

    /// <summary>A bound at <paramref name="key"/> that leaves the key out of the range. The key is copied.</summary>
    public static KeyBound Excluded(ReadOnlySpan<byte> key) => new(KeyBoundKind.Excluded, key.ToArray());

    /// <summary>Whether both bounds limit alike at the same key.</summary>
    public bool Equals(KeyBound other) => Kind == other.Kind && Key.Span.SequenceEqual(other.Key.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is KeyBound other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Key.Length);

    /// <summary>Whether both bounds limit alike at the same key.</summary>
    public static bool operator ==(KeyBound left, KeyBound right) => left.Equals(right);

    /// <summary>Whether the bounds differ in kind or key.</summary>
    public static bool operator !=(KeyBound left, KeyBound right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        KeyBoundKind.Included => $"included {Convert.ToHexString(Key.Span)}",
        KeyBoundKind.Excluded => $"excluded {Convert.ToHexString(Key.Span)}",
        _ => "unbounded",
    };

    internal static KeyBound Unchecked(KeyBoundKind kind, ReadOnlyMemory<byte> key) =>
        kind == KeyBoundKind.Unbounded ? default : new KeyBound(kind, key);
}

/// <summary>
/// The keys a scan visits: everything between <see cref="Start"/> and <see cref="End"/> in
/// unsigned byte-wise order, each end unbounded, inclusive or exclusive.
/// </summary>
/// <remarks>
/// A start after the end, or a bound with an empty key (no key is empty), is
/// <see cref="ErrorKind.Invalid"/>. Equal start and end keys with either end excluded make an
/// empty range, which is valid and scans nothing.
/// </remarks>
public sealed class KeyRange
{
    /// <summary>Creates the range; see the class remarks for what is rejected.</summary>
    /// <exception cref="SlateFastException">With <see cref="ErrorKind.Invalid"/> for an empty bound key or a start after the end.</exception>
    public KeyRange(KeyBound start, KeyBound end)
    {
        if ((start.Kind != KeyBoundKind.Unbounded && start.Key.IsEmpty) || (end.Kind != KeyBoundKind.Unbounded && end.Key.IsEmpty))
        {
            ThrowHelper.Invalid("a key range bound must have a non-empty key");
        }

        if (start.Kind != KeyBoundKind.Unbounded && end.Kind != KeyBoundKind.Unbounded && start.Key.Span.SequenceCompareTo(end.Key.Span) > 0)
        {
            ThrowHelper.Invalid($"key range starts at {Convert.ToHexString(start.Key.Span)}, after its end {Convert.ToHexString(end.Key.Span)}");
        }

        Start = start;
        End = end;
    }

    private KeyRange(KeyBound start, KeyBound end, bool unchecked_)
    {
        _ = unchecked_;
        Start = start;
        End = end;
    }

    /// <summary>Every key.</summary>
    public static KeyRange All { get; } = new(KeyBound.Unbounded, KeyBound.Unbounded);

    /// <summary>The lower end.</summary>
    public KeyBound Start { get; }

    /// <summary>The upper end.</summary>
    public KeyBound End { get; }

    /// <summary>Whether neither end limits the range.</summary>
    public bool IsAll => Start.Kind == KeyBoundKind.Unbounded && End.Kind == KeyBoundKind.Unbounded;

    /// <summary>Keys from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive), like a half-open interval.</summary>
    public static KeyRange Between(ReadOnlySpan<byte> start, ReadOnlySpan<byte> end) =>
        new(KeyBound.Included(start), KeyBound.Excluded(end));

    /// <summary>Keys starting with <paramref name="prefix"/>; every key for an empty prefix (as SlateDB's <c>scan_prefix</c>).</summary>
    public static KeyRange Prefix(ReadOnlySpan<byte> prefix)
    {
        if (prefix.IsEmpty)
        {
            // No key is empty, so no bound can hold an empty prefix; and every key starts with it.
            return All;
        }

        // The smallest key above every key with the prefix: drop trailing 0xFF bytes, increment the last.
        var end = prefix.TrimEnd((byte)0xFF);
        if (end.IsEmpty)
        {
            return new KeyRange(KeyBound.Included(prefix), KeyBound.Unbounded) { PrefixKey = prefix.ToArray() };
        }

        var upper = end.ToArray();
        upper[^1]++;
        return new KeyRange(KeyBound.Included(prefix), KeyBound.Excluded(upper)) { PrefixKey = prefix.ToArray() };
    }

    /// <summary>The prefix of a range made by <see cref="Prefix"/> (what prefix bloom filters are asked about); null otherwise.</summary>
    internal byte[]? PrefixKey { get; private init; }

    /// <summary>Whether <paramref name="key"/> lies in the range.</summary>
    public bool Contains(ReadOnlySpan<byte> key) => !IsBeforeStart(key) && !IsAfterEnd(key);

    /// <inheritdoc/>
    public override string ToString() => $"[{Start} .. {End}]";

    /// <summary>Whether <paramref name="key"/> is below the start bound.</summary>
    internal bool IsBeforeStart(ReadOnlySpan<byte> key) => IsBeforeStart(Start, key);

    /// <summary>Whether <paramref name="key"/> is above the end bound.</summary>
    internal bool IsAfterEnd(ReadOnlySpan<byte> key) => IsAfterEnd(End, key);

    /// <summary>Whether <paramref name="key"/> lies between <paramref name="start"/> and <paramref name="end"/>: the one bounds rule, for ranges and a manifest view's visible range alike.</summary>
    internal static bool Contains(KeyBound start, KeyBound end, ReadOnlySpan<byte> key) => !IsBeforeStart(start, key) && !IsAfterEnd(end, key);

    private static bool IsBeforeStart(KeyBound start, ReadOnlySpan<byte> key) => start.Kind switch
    {
        KeyBoundKind.Included => key.SequenceCompareTo(start.Key.Span) < 0,
        KeyBoundKind.Excluded => key.SequenceCompareTo(start.Key.Span) <= 0,
        _ => false,
    };

    private static bool IsAfterEnd(KeyBound end, ReadOnlySpan<byte> key) => end.Kind switch
    {
        KeyBoundKind.Included => key.SequenceCompareTo(end.Key.Span) > 0,
        KeyBoundKind.Excluded => key.SequenceCompareTo(end.Key.Span) >= 0,
        _ => false,
    };

    /// <summary>A range from bounds that need no validation (a view's visible range may use empty keys).</summary>
    internal static KeyRange Unchecked(KeyBound start, KeyBound end) => new(start, end, true);

    /// <summary>A view's visible range, or everything when it has none.</summary>
    internal static KeyRange FromView(BytesRange? range) => range is null
        ? All
        : Unchecked(range.Start.ToKeyBound(), range.End.ToKeyBound());

    /// <summary>Whether no key lies in the range.</summary>
    internal bool IsEmpty
    {
        get
        {
            if (Start.Kind == KeyBoundKind.Unbounded || End.Kind == KeyBoundKind.Unbounded)
            {
                return false;
            }

            var cmp = Start.Key.Span.SequenceCompareTo(End.Key.Span);
            return cmp > 0 || (cmp == 0 && (Start.Kind == KeyBoundKind.Excluded || End.Kind == KeyBoundKind.Excluded));
        }
    }

    /// <summary>The keys in both ranges (possibly none).</summary>
    internal KeyRange Intersect(KeyRange other)
    {
        if (other.IsAll)
        {
            return this;
        }

        if (IsAll)
        {
            return other;
        }

        return Unchecked(Tighter(Start, other.Start, lower: true), Tighter(End, other.End, lower: false));
    }

    // The more restrictive of two bounds on the same side; at equal keys, exclusion wins.
    private static KeyBound Tighter(KeyBound a, KeyBound b, bool lower)
    {
        if (a.Kind == KeyBoundKind.Unbounded)
        {
            return b;
        }

        if (b.Kind == KeyBoundKind.Unbounded)
        {
            return a;
        }

        var cmp = a.Key.Span.SequenceCompareTo(b.Key.Span);
        if (cmp == 0)
        {
            return a.Kind == KeyBoundKind.Excluded ? a : b;
        }

        return (cmp > 0) == lower ? a : b;
    }
}
