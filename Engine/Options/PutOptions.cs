namespace SlateFast;

/// <summary>Options of a put or merge.</summary>
public sealed record PutOptions
{
    /// <summary>The defaults: TTL from the database's default.</summary>
    public static PutOptions Default { get; } = new();

    /// <summary>The row's time to live.</summary>
    public Ttl Ttl { get; init; }
}
