namespace SlateFast;

/// <summary>What <see cref="DbAdmin.RollbackManifestAsync"/> wrote.</summary>
/// <param name="ManifestId">The new manifest version, a copy of <paramref name="FromManifestId"/>'s state.</param>
/// <param name="FromManifestId">The version rolled back to.</param>
/// <param name="WriterEpoch">The writer epoch written: above any a damaged newer version can hold, so a running writer is fenced.</param>
/// <param name="CompactorEpoch">The compactor epoch written, chosen the same way.</param>
/// <param name="ReplayAfterWalId">Where the next open starts replaying the WAL.</param>
/// <param name="WalFenceId">The WAL fence written when the WAL was discarded; null otherwise.</param>
/// <param name="DroppedCheckpoints">Checkpoints of that version whose pinned manifest is gone or damaged, left out.</param>
public sealed record ManifestRollbackResult(
    ulong ManifestId,
    ulong FromManifestId,
    ulong WriterEpoch,
    ulong CompactorEpoch,
    ulong ReplayAfterWalId,
    ulong? WalFenceId,
    IReadOnlyList<Guid> DroppedCheckpoints);
