namespace SlateFast;

/// <summary>What a checkpoint created by <see cref="DbHandle.CreateCheckpointAsync"/> contains.</summary>
public enum CheckpointScope
{
    /// <summary>
    /// Every write issued before the call: buffered WAL rows are written and the memtables are
    /// flushed to L0 first (SlateDB's <c>CheckpointScope::All</c>).
    /// </summary>
    All,

    /// <summary>Only what is already durable: the manifest as it is plus the WAL objects written so far. Faster.</summary>
    Durable,
}

/// <summary>Options of a new checkpoint (SlateDB's <c>CheckpointOptions</c>).</summary>
public sealed record CheckpointOptions
{
    /// <summary>The defaults: no expiry, a new manifest version, no name.</summary>
    public static CheckpointOptions Default { get; } = new();

    /// <summary>
    /// How long the checkpoint lives; null: until deleted. An expired checkpoint is removed by the
    /// next garbage collection pass, which may then delete what only it kept.
    /// </summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>
    /// Another live checkpoint whose manifest version the new one pins as well (a copy with its
    /// own id, lifetime and name); null: pin the state the call creates.
    /// </summary>
    public Guid? Source { get; init; }

    /// <summary>An optional label stored with the checkpoint.</summary>
    public string? Name { get; init; }

    internal void Validate()
    {
        if (Lifetime is { } lifetime && (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(365 * 100)))
        {
            ThrowHelper.Invalid($"invalid CheckpointOptions.Lifetime ({lifetime}): must be positive and at most 100 years");
        }
    }
}
