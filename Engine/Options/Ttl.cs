namespace SlateFast;

/// <summary>Time to live of a put.</summary>
public readonly record struct Ttl
{
    private Ttl(TtlKind kind, long value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>What kind of TTL this is.</summary>
    public TtlKind Kind { get; }

    /// <summary>Milliseconds for <see cref="TtlKind.ExpireAfter"/>, a Unix time in ms for <see cref="TtlKind.ExpireAt"/>.</summary>
    public long Value { get; }

    /// <summary>Use <see cref="DbOptions.DefaultTtl"/>.</summary>
    public static Ttl Default => default;

    /// <summary>Never expires, whatever the default.</summary>
    public static Ttl NoExpiry => new(TtlKind.NoExpiry, 0);

    /// <summary>Expires this long after the write's timestamp.</summary>
    public static Ttl ExpireAfter(TimeSpan ttl) =>
        ttl > TimeSpan.Zero ? new(TtlKind.ExpireAfter, (long)ttl.TotalMilliseconds) : ThrowHelper.Invalid<Ttl>($"TTL must be positive, got {ttl}");

    /// <summary>Expires at a fixed time.</summary>
    public static Ttl ExpireAt(DateTimeOffset time) => new(TtlKind.ExpireAt, time.ToUnixTimeMilliseconds());
}
