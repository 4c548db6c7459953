using SlateFast.ObjectStore;

namespace SlateFast;

/// <summary>Options of a <see cref="WalReader"/>.</summary>
public sealed record WalReaderOptions
{
    /// <summary>
    /// The database's separate WAL store (<see cref="DbOptions.WalObjectStore"/>); null: the WAL is
    /// in the store the reader was given.
    /// </summary>
    public IObjectStore? WalObjectStore { get; init; }

    /// <summary>
    /// How long <see cref="WalReader.FollowAsync"/> waits before looking again for the next WAL
    /// object once it has read every one there is. Default 1 s, SlateDB's manifest poll interval.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The block transformer the database was written with (see <see cref="DbOptions.BlockTransformer"/>); null: none.</summary>
    public IBlockTransformer? BlockTransformer { get; init; }

    /// <summary>The clock the follower waits on; null: the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    internal void Validate()
    {
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromDays(1))
        {
            ThrowHelper.Invalid($"PollInterval must be positive and at most a day, got {PollInterval}");
        }
    }
}
