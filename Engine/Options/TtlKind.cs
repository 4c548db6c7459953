namespace SlateFast;

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
