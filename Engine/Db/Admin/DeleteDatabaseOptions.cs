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
