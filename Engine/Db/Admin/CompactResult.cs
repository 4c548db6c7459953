namespace SlateFast;

/// <summary>What <see cref="DbAdmin.CompactAsync"/> did.</summary>
/// <param name="CompactorEpoch">The compactor epoch it claimed (fencing the compactor before it).</param>
/// <param name="Compactions">Compactions committed.</param>
/// <param name="BytesRead">Estimated source bytes of those compactions.</param>
/// <param name="BytesWritten">Bytes of their output SSTs.</param>
/// <param name="ManifestId">The newest manifest version the compactor knew when it finished.</param>
/// <param name="L0Ssts">L0 SSTs that manifest lists.</param>
/// <param name="SortedRuns">Its sorted runs, newest first.</param>
public sealed record CompactResult(
    ulong CompactorEpoch,
    int Compactions,
    long BytesRead,
    long BytesWritten,
    ulong ManifestId,
    int L0Ssts,
    IReadOnlyList<DbManifestSortedRun> SortedRuns);
