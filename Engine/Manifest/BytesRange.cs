namespace SlateFast.Manifest;

/// <summary>How a <see cref="BytesBound"/> limits a range (values as in the schema's <c>BoundType</c>).</summary>
internal enum BoundKind : sbyte
{
    Unbounded = 1,
    Included = 2,
    Excluded = 3,
}

/// <summary>One end of a key range. <see cref="Key"/> is meaningful (and may be empty) unless unbounded.</summary>
internal readonly struct BytesBound : IEquatable<BytesBound>
{
    private BytesBound(BoundKind kind, ReadOnlyMemory<byte> key)
    {
        Kind = kind;
        Key = key;
    }

    public BoundKind Kind { get; }

    public ReadOnlyMemory<byte> Key { get; }

    public static BytesBound Unbounded => new(BoundKind.Unbounded, ReadOnlyMemory<byte>.Empty);

    public static BytesBound Included(ReadOnlyMemory<byte> key) => new(BoundKind.Included, key);

    public static BytesBound Excluded(ReadOnlyMemory<byte> key) => new(BoundKind.Excluded, key);

    /// <summary>The same bound in the API's terms (the kinds are numbered differently on storage).</summary>
    public KeyBound ToKeyBound() => Kind switch
    {
        BoundKind.Included => KeyBound.Unchecked(KeyBoundKind.Included, Key),
        BoundKind.Excluded => KeyBound.Unchecked(KeyBoundKind.Excluded, Key),
        _ => KeyBound.Unbounded,
    };

    public bool Equals(BytesBound other) =>
        Kind == other.Kind && (Kind == BoundKind.Unbounded || Key.Span.SequenceEqual(other.Key.Span));

    public override bool Equals(object? obj) => obj is BytesBound b && Equals(b);

    public override int GetHashCode() => HashCode.Combine(Kind, Key.Length);

    public static bool operator ==(BytesBound a, BytesBound b) => a.Equals(b);

    public static bool operator !=(BytesBound a, BytesBound b) => !a.Equals(b);

    public override string ToString() => Kind switch
    {
        BoundKind.Unbounded => "unbounded",
        BoundKind.Included => $"[{Convert.ToHexString(Key.Span)}",
        _ => $"({Convert.ToHexString(Key.Span)}",
    };
}

/// <summary>The part of an SST's keys a view exposes (the schema's <c>BytesRange</c>).</summary>
internal sealed record BytesRange(BytesBound Start, BytesBound End)
{
    public static BytesRange All { get; } = new(BytesBound.Unbounded, BytesBound.Unbounded);

    public bool Contains(ReadOnlySpan<byte> key) => KeyRange.Contains(Start.ToKeyBound(), End.ToKeyBound(), key);
}
