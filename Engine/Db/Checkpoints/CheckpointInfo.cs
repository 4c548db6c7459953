namespace SlateFast;

/// <summary>A checkpoint as the latest manifest lists it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="ManifestId">The manifest version it pins (with every SST and WAL object that version needs).</param>
/// <param name="ExpireTime">When it expires (second precision); null: never.</param>
/// <param name="CreateTime">When it was created (second precision).</param>
/// <param name="Name">Its label, if any.</param>
public sealed record CheckpointInfo(Guid Id, ulong ManifestId, DateTimeOffset? ExpireTime, DateTimeOffset CreateTime, string? Name)
{
    internal static CheckpointInfo From(Manifest.Checkpoint c) => new(
        Db.Checkpoints.CheckpointIds.ToGuid(c.Id),
        c.ManifestId,
        c.ExpireTimeSeconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(c.ExpireTimeSeconds),
        DateTimeOffset.FromUnixTimeSeconds(c.CreateTimeSeconds),
        c.Name);
}
