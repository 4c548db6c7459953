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

/// <summary>A checkpoint just created.</summary>
/// <param name="Id">Its id; open a <see cref="DbReader"/> at it or pass it as <see cref="CheckpointOptions.Source"/>.</param>
/// <param name="ManifestId">The manifest version it pins.</param>
public sealed record CheckpointCreateResult(Guid Id, ulong ManifestId);

/// <summary>A checkpoint as the latest manifest lists it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="ManifestId">The manifest version it pins (with every SST and WAL object that version needs).</param>
/// <param name="ExpireTime">When it expires (second precision); null: never.</param>
/// <param name="CreateTime">When it was created (second precision).</param>
/// <param name="Name">Its label, if any.</param>
public sealed record CheckpointInfo(Guid Id, ulong ManifestId, DateTimeOffset? ExpireTime, DateTimeOffset CreateTime, string? Name)
{
    internal static CheckpointInfo From(Manifest.Checkpoint c) => new(
        CheckpointIds.ToGuid(c.Id),
        c.ManifestId,
        c.ExpireTimeSeconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(c.ExpireTimeSeconds),
        DateTimeOffset.FromUnixTimeSeconds(c.CreateTimeSeconds),
        c.Name);
}

/// <summary>Checkpoint ids are UUIDs: public API uses <see cref="Guid"/>, the manifest its big-endian halves.</summary>
internal static class CheckpointIds
{
    public static Guid ToGuid(Manifest.Uuid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.WriteBytes(bytes);
        return new Guid(bytes, bigEndian: true);
    }

    public static Manifest.Uuid FromGuid(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return Manifest.Uuid.FromBytes(bytes);
    }
}
