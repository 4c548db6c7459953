namespace SlateFast;

/// <summary>What one garbage collection pass deleted, or with a dry run would have deleted.</summary>
/// <param name="DryRun">True when nothing was changed.</param>
/// <param name="ExpiredCheckpoints">Checkpoints removed from the manifest because they had expired.</param>
/// <param name="Manifests">Manifest objects.</param>
/// <param name="WalSsts">WAL objects.</param>
/// <param name="CompactedSsts">Compacted SST objects (L0 and sorted runs).</param>
/// <param name="CompactionsFiles">Compactions files.</param>
public sealed record GarbageCollectionResult(
    bool DryRun,
    IReadOnlyList<Guid> ExpiredCheckpoints,
    IReadOnlyList<string> Manifests,
    IReadOnlyList<string> WalSsts,
    IReadOnlyList<string> CompactedSsts,
    IReadOnlyList<string> CompactionsFiles)
{
    /// <summary>How many objects went (or would go).</summary>
    public int ObjectCount => Manifests.Count + WalSsts.Count + CompactedSsts.Count + CompactionsFiles.Count;
}
