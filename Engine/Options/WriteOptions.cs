namespace SlateFast;

/// <summary>How a write is committed.</summary>
public sealed record WriteOptions
{
    /// <summary>The defaults: durable, oracle-assigned sequence number.</summary>
    public static WriteOptions Default { get; } = new();

    /// <summary>Not durable: the call returns once the memtable holds the rows.</summary>
    public static WriteOptions NoWait { get; } = new() { AwaitDurable = false };

    /// <summary>
    /// Return only when the rows are durable: in a WAL object in the store, or with the WAL
    /// disabled, in an L0 SST listed by the manifest. True by default.
    /// </summary>
    public bool AwaitDurable { get; init; } = true;

    /// <summary>
    /// 0 (the default) lets the database assign the sequence number. Any other value is used as
    /// the batch's sequence number and must be strictly greater than every number used so far.
    /// </summary>
    public ulong SeqNum { get; init; }
}

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

/// <summary>The kinds of <see cref="Ttl"/>.</summary>
public enum TtlKind
{
    /// <summary>The database default.</summary>
    Default,

    /// <summary>No expiry.</summary>
    NoExpiry,

    /// <summary>Relative to the write's timestamp.</summary>
    ExpireAfter,

    /// <summary>An absolute time.</summary>
    ExpireAt,
}

/// <summary>Options of a put or merge.</summary>
public sealed record PutOptions
{
    /// <summary>The defaults: TTL from the database's default.</summary>
    public static PutOptions Default { get; } = new();

    /// <summary>The row's time to live.</summary>
    public Ttl Ttl { get; init; }
}
