using Microsoft.Extensions.Logging;
using SlateFast.Cache;
using SlateFast.ObjectStore;

namespace SlateFast;

/// <summary>How a <see cref="DbReader"/> chooses and keeps the state it reads.</summary>
public enum DbReaderMode
{
    /// <summary>
    /// SlateDB's default reader: it creates a checkpoint of its own with
    /// <see cref="DbReaderOptions.CheckpointLifetime"/>, refreshes it at half-life, replaces it when
    /// the manifest gains new L0s or sorted runs, replays WAL objects written since, and deletes
    /// it when closed. Garbage collection never removes what it reads.
    /// </summary>
    ManagedCheckpoint,

    /// <summary>Reads exactly the state of <see cref="DbReaderOptions.CheckpointId"/>, an existing checkpoint; writes nothing.</summary>
    FixedCheckpoint,

    /// <summary>
    /// Follows the latest manifest and WAL without a checkpoint, so it writes nothing at all. Nothing
    /// pins what it reads: a garbage collection pass may delete an SST it still needs (after the
    /// collector's minimum age), and such a read fails until the next poll moves it on.
    /// </summary>
    FollowLatest,
}

/// <summary>Options of a <see cref="DbReader"/>, with SlateDB 0.12's <c>DbReaderOptions</c> defaults.</summary>
public sealed record DbReaderOptions
{
    /// <summary>
    /// The mode; null: <see cref="DbReaderMode.FixedCheckpoint"/> when <see cref="CheckpointId"/> is
    /// set, otherwise <see cref="DbReaderMode.ManagedCheckpoint"/>.
    /// </summary>
    public DbReaderMode? Mode { get; init; }

    /// <summary>The checkpoint to read in <see cref="DbReaderMode.FixedCheckpoint"/> mode.</summary>
    public Guid? CheckpointId { get; init; }

    /// <summary>How often the manifest and the WAL are polled for new data (SlateDB: 10 s).</summary>
    public TimeSpan ManifestPollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Lifetime of the reader's own checkpoint; refreshed at half of it (SlateDB: 10 min).</summary>
    public TimeSpan CheckpointLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Replayed WAL rows are kept in memtables of about this size (SlateDB: 64 MiB).</summary>
    public long MaxMemtableBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Read only the manifest's L0 and sorted runs, not the WAL beyond them (SlateDB: false).</summary>
    public bool SkipWalReplay { get; init; }

    /// <summary>
    /// What the reader does with a WAL object that is truncated or corrupt: refuse (default) or
    /// read the state before it (<see cref="WalRecoveryMode.PointInTime"/>; the reader writes nothing,
    /// so this changes nothing in the database).
    /// </summary>
    public WalRecoveryMode WalRecovery { get; init; } = WalRecoveryMode.Strict;

    /// <summary>Block cache budgets.</summary>
    public BlockCacheOptions BlockCache { get; init; } = new();

    /// <summary>A cache of SST bytes on local disk, for remote stores; off unless its root folder is set.</summary>
    public ObjectStoreCacheOptions ObjectStoreCache { get; init; } = new();

    /// <summary>
    /// Folds merge operands on reads, as <see cref="DbOptions.MergeOperator"/> does for the writer
    /// (SlateDB: <c>merge_operator</c>); null makes a read that meets operands fail with
    /// <see cref="ErrorKind.Invalid"/>. Use the operator the database is written with.
    /// </summary>
    public IMergeOperator? MergeOperator { get; init; }

    /// <summary>The block transformer the database was written with (see <see cref="DbOptions.BlockTransformer"/>); null: none.</summary>
    public IBlockTransformer? BlockTransformer { get; init; }

    /// <summary>
    /// The prefix extractor the database's bloom filters were built with
    /// (<see cref="DbOptions.FilterPrefixExtractor"/>): with it, prefix scans skip SSTs without their
    /// prefix; without it, filters naming an extractor serve no prefix scan. Filters naming another
    /// extractor are ignored, never misread.
    /// </summary>
    public IPrefixExtractor? FilterPrefixExtractor { get; init; }

    /// <summary>
    /// The segment extractor of a segmented database (<see cref="DbOptions.SegmentExtractor"/>),
    /// checked against the manifest at open as a writer's is. Reads need none (they follow the
    /// manifest's segments); with it, <see cref="DbReader.ListSegments"/> also lists segments that
    /// so far exist only in the WAL.
    /// </summary>
    public IPrefixExtractor? SegmentExtractor { get; init; }

    /// <summary>The database's separate WAL store, as its writer has it (<see cref="DbOptions.WalObjectStore"/>; SlateDB's <c>DbReaderBuilder::with_wal_object_store</c>).</summary>
    public IObjectStore? WalObjectStore { get; init; }

    /// <summary>The clock for polls and checkpoint lifetimes; tests inject their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where refreshes and failed polls are logged; null: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal DbReaderMode EffectiveMode => Mode ?? (CheckpointId is null ? DbReaderMode.ManagedCheckpoint : DbReaderMode.FixedCheckpoint);

    internal void Validate()
    {
        if (EffectiveMode == DbReaderMode.FixedCheckpoint && CheckpointId is null)
        {
            ThrowHelper.Invalid("invalid DbReaderOptions: FixedCheckpoint mode needs a CheckpointId");
        }

        if (EffectiveMode != DbReaderMode.FixedCheckpoint && CheckpointId is not null)
        {
            ThrowHelper.Invalid($"invalid DbReaderOptions: a CheckpointId is only used in FixedCheckpoint mode, not {EffectiveMode}");
        }

        if (ManifestPollInterval <= TimeSpan.Zero)
        {
            ThrowHelper.Invalid($"invalid DbReaderOptions.ManifestPollInterval ({ManifestPollInterval}): must be positive");
        }

        if (CheckpointLifetime < TimeSpan.FromSeconds(2) || CheckpointLifetime <= ManifestPollInterval)
        {
            ThrowHelper.Invalid($"invalid DbReaderOptions.CheckpointLifetime ({CheckpointLifetime}): must be at least 2 s and longer than ManifestPollInterval ({ManifestPollInterval})");
        }

        if (MaxMemtableBytes is < 4096 or > 2L * 1024 * 1024 * 1024)
        {
            ThrowHelper.Invalid($"invalid DbReaderOptions.MaxMemtableBytes ({MaxMemtableBytes}): must be 4 KiB..2 GiB");
        }

        if (TimeProvider is null)
        {
            ThrowHelper.Invalid("invalid DbReaderOptions.TimeProvider: must be set");
        }

        if (!Enum.IsDefined(WalRecovery))
        {
            ThrowHelper.Invalid($"invalid DbReaderOptions.WalRecovery ({WalRecovery}): must be Strict or PointInTime");
        }

        BlockCache.Validate();
        (ObjectStoreCache ?? ThrowHelper.Invalid<ObjectStoreCacheOptions>("invalid DbReaderOptions.ObjectStoreCache (null): must be set")).Validate(nameof(DbReaderOptions));
    }
}
