namespace SlateFast;

/// <summary>How <see cref="DbAdmin.DeleteDatabaseAsync"/> decides whether the database is still in use.</summary>
public sealed record DeleteDatabaseOptions
{
    /// <summary>The defaults: refuse a database in use, with a one-minute quiet period.</summary>
    public static DeleteDatabaseOptions Default { get; } = new();

    /// <summary>
    /// Delete without the checks: also with unexpired checkpoints (readers, clones reading the
    /// SSTs in place), recent writes, and objects under the path that are not the database's.
    /// </summary>
    public bool Force { get; init; }

    /// <summary>
    /// A manifest, WAL or compactions object newer than this means a writer or compactor is at
    /// work, and the deletion is refused (default one minute; only busy writers show, so stop
    /// writers first).
    /// </summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMinutes(1);

    internal void Validate()
    {
        if (QuietPeriod < TimeSpan.Zero)
        {
            ThrowHelper.Invalid($"invalid DeleteDatabaseOptions.QuietPeriod ({QuietPeriod}): must not be negative");
        }
    }
}

/// <summary>What <see cref="DbAdmin.DeleteDatabaseAsync"/> deleted; all zero when there was nothing (a second deletion).</summary>
/// <param name="ObjectsDeleted">Objects deleted, the WAL store's included.</param>
/// <param name="BytesDeleted">Their total size.</param>
/// <param name="WalObjectsDeleted">Of those, objects of the separate WAL store (<see cref="DbOptions.WalObjectStore"/>); 0 without one.</param>
public sealed record DeleteDatabaseResult(int ObjectsDeleted, long BytesDeleted, int WalObjectsDeleted);

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
