using Microsoft.Extensions.Logging;
using SlateFast.Cache;
using SlateFast.ObjectStore;

namespace SlateFast;

/// <summary>
/// Settings of a database, with SlateDB 0.12's defaults. Checked when the database opens: a bad
/// value is <see cref="ErrorKind.Invalid"/> naming the option.
/// </summary>
public sealed record DbOptions
{
    /// <summary>How often buffered WAL rows are written as a WAL object (SlateDB: <c>flush_interval</c>, 100 ms).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Write the WAL buffer as soon as the previous WAL write finished whenever durable writers
    /// are waiting, instead of waiting for <see cref="FlushInterval"/>. Goes beyond SlateDB: a
    /// durable write then costs about one object write. On by default.
    /// </summary>
    public bool FlushOnDurableWaiters { get; init; } = true;

    /// <summary>
    /// After a WAL object lands, how long its writer may wait for the writers it acknowledged to
    /// come back before sealing the next one, as a fraction of that object's write time (RFC 0020,
    /// "gather"; 0 seals at once, as SlateDB does). Internal: a tuning point measured in
    /// docs/benchmarks.md, not a setting users need.
    /// </summary>
    internal double WalGatherFraction { get; init; } = 0.5;

    /// <summary>
    /// The gather's absolute bound (it spins): at most this long, and it ends once a tenth of it
    /// passes with no writer arriving. Internal, like <see cref="WalGatherFraction"/>; tests on
    /// loaded machines raise it.
    /// </summary>
    internal TimeSpan WalGatherMax { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// A separate object store for the WAL (SlateDB's <c>with_wal_object_store</c>): WAL objects
    /// go to <c>&lt;path&gt;/wal/</c> there, everything else to the main store, e.g. the WAL on a
    /// local disk and SSTs on S3. A database created with one records that in its manifest, and
    /// every later open must pass one too (SlateDB refuses the same mismatch). Null: the WAL
    /// lives in the main store.
    /// </summary>
    public IObjectStore? WalObjectStore { get; init; }

    /// <summary>A memtable freezes and becomes an L0 SST at about this size (SlateDB: <c>l0_sst_size_bytes</c>, 64 MiB).</summary>
    public long L0SstSizeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Memtable flushes wait while L0 holds this many SSTs (SlateDB: <c>l0_max_ssts</c>, 8).</summary>
    public int L0MaxSsts { get; init; } = 8;

    /// <summary>Writes wait while memtables not yet in L0 hold more than this (SlateDB: <c>max_unflushed_bytes</c>, 1 GiB).</summary>
    public long MaxUnflushedBytes { get; init; } = 1L * 1024 * 1024 * 1024;

    /// <summary>How often the manifest is re-read to notice other writers and the compactor (SlateDB: <c>manifest_poll_interval</c>, 1 s).</summary>
    public TimeSpan ManifestPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a manifest update may keep retrying conflicts (SlateDB: <c>manifest_update_timeout</c>, 300 s).</summary>
    public TimeSpan ManifestUpdateTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Whether writes go to a WAL (SlateDB: <c>wal_enabled</c>, true). Without it durable writes wait for their L0 SST.</summary>
    public bool WalEnabled { get; init; } = true;

    /// <summary>
    /// What the open does with a WAL object that is truncated or corrupt (default
    /// <see cref="WalRecoveryMode.Strict"/>: refuse, naming it). See <see cref="SlateFast.WalRecoveryMode"/>.
    /// </summary>
    public WalRecoveryMode WalRecovery { get; init; } = WalRecoveryMode.Strict;

    /// <summary>Codec of SSTs this database writes (SlateDB: <c>compression_codec</c>, none).</summary>
    public CompressionCodec Compression { get; init; } = CompressionCodec.None;

    /// <summary>Target data block size (SlateDB: 4,096).</summary>
    public int BlockSize { get; init; } = 4096;

    /// <summary>Bloom filter bits per key (SlateDB: <c>filter_bits_per_key</c>, 10).</summary>
    public int FilterBitsPerKey { get; init; } = 10;

    /// <summary>SSTs with fewer rows get no bloom filter (SlateDB: <c>min_filter_keys</c>, 1,000).</summary>
    public int MinFilterKeys { get; init; } = 1000;

    /// <summary>
    /// Also hashes each key's prefix into the SST bloom filters (SlateDB 0.13's
    /// <c>BloomFilterPolicy::with_prefix_extractor</c>), so a prefix scan whose prefix the
    /// extractor recognises skips SSTs without it; null (the default): whole keys only. Needs
    /// <see cref="FormatLevel"/> 0.13 or later (the composite filter layout names the extractor).
    /// </summary>
    public IPrefixExtractor? FilterPrefixExtractor { get; init; }

    /// <summary>
    /// Hashes whole keys into the bloom filters, for point reads (SlateDB: on by default). Turn it
    /// off only with a <see cref="FilterPrefixExtractor"/>: point reads then probe the key's prefix.
    /// </summary>
    public bool WholeKeyFiltering { get; init; } = true;

    /// <summary>
    /// Splits the database into segments (SlateDB 0.13's RFC-0024): every key belongs to the
    /// segment named by its prefix, each segment has its own L0 SSTs and sorted runs and compacts on
    /// its own, and <see cref="DbHandle.DropSegmentAsync"/> removes a whole segment with one manifest
    /// write. Set it when the database is created, and open it with an extractor of the same name
    /// ever after; a key the extractor gives no prefix (or an empty one) is refused as
    /// <see cref="ErrorKind.Invalid"/>. Needs <see cref="FormatLevel"/> 0.13 or later; null (the default): one tree.
    /// </summary>
    public IPrefixExtractor? SegmentExtractor { get; init; }

    /// <summary>
    /// The filter layout of every SST written at <see cref="FormatLevel"/> (L0 flushes,
    /// compactions, ingestion, WAL objects, the fencing WAL): composite from SlateDB 0.13 on,
    /// which 0.12 misreads; legacy at 0.12 (and while the level is still to be detected).
    /// </summary>
    internal Sst.FilterFormat SstFilterFormat => FormatLevel >= FormatLevel.SlateDb013 ? Sst.FilterFormat.Composite : Sst.FilterFormat.Legacy;

    /// <summary>
    /// Folds merge operands on reads, flushes, compactions, batches and transactions; null (the
    /// default, as in SlateDB) makes a read that meets operands fail with
    /// <see cref="ErrorKind.Invalid"/> ("merge operator missing"). Databases written with merges
    /// must be opened with the same operator every time.
    /// </summary>
    public IMergeOperator? MergeOperator { get; init; }

    /// <summary>
    /// Makes a filter per compaction job that sees every row the job writes and may keep, drop,
    /// delete or rewrite it (SlateDB: <c>compaction_filter_supplier</c>); null (the default): none.
    /// See <see cref="ICompactionFilter"/> for what dropping means here.
    /// </summary>
    public ICompactionFilterSupplier? CompactionFilter { get; init; }

    /// <summary>
    /// Encodes every SST block this database writes and decodes every block it reads, for example
    /// to encrypt them (SlateDB: <c>with_block_transformer</c>); null (the default): blocks are
    /// stored as compressed. A database must always be opened with the transformer it was written
    /// with; SlateDB reads it with the same transformation.
    /// </summary>
    public IBlockTransformer? BlockTransformer { get; init; }

    /// <summary>Time to live of puts whose <see cref="PutOptions.Ttl"/> is <see cref="Ttl.Default"/>; null: no expiry (SlateDB: <c>default_ttl</c>).</summary>
    public TimeSpan? DefaultTtl { get; init; }

    /// <summary>Block cache budgets.</summary>
    public BlockCacheOptions BlockCache { get; init; } = new();

    /// <summary>A cache of SST bytes on local disk, for remote stores; off unless its root folder is set.</summary>
    public ObjectStoreCacheOptions ObjectStoreCache { get; init; } = new();

    /// <summary>The clock for timestamps, intervals and TTLs; tests inject their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where open, recovery, fencing, flush and stall events are logged; null: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// The garbage collector running inside the database process (SlateDB 0.12's <c>Db</c> runs one
    /// by default: every kind every 60 s, objects at least 300 s old); null: none.
    /// </summary>
    public GarbageCollectorOptions? GarbageCollector { get; init; } = new();

    /// <summary>
    /// Which SlateDB releases must read what this handle writes (<see cref="SlateFast.FormatLevel"/>);
    /// by default the level of what the database already holds, 0.12 for a new one.
    /// </summary>
    public FormatLevel FormatLevel { get; init; } = FormatLevel.Detect;

    /// <summary>The compactor that runs in the database process; <see cref="CompactorOptions.Enabled"/> turns it off.</summary>
    public CompactorOptions Compactor { get; init; } = new();

    /// <summary>
    /// Seed of every random choice that names nothing: the memtables' skiplist heights and the
    /// jitter of background retries (null: random). Object names (ULIDs, checkpoint ids) are never
    /// seeded, so two handles cannot pick the same name.
    /// </summary>
    public int? Seed { get; init; }

    internal void Validate()
    {
        Require(FlushInterval > TimeSpan.Zero, nameof(FlushInterval), FlushInterval, "must be positive");
        Require(WalGatherFraction is >= 0 and <= 100, nameof(WalGatherFraction), WalGatherFraction, "must be 0..100");
        Require(WalGatherMax >= TimeSpan.Zero, nameof(WalGatherMax), WalGatherMax, "must not be negative");
        Require(L0SstSizeBytes is >= 1024 and <= 2L * 1024 * 1024 * 1024, nameof(L0SstSizeBytes), L0SstSizeBytes, "must be 1 KiB..2 GiB");
        Require(L0MaxSsts >= 1, nameof(L0MaxSsts), L0MaxSsts, "must be at least 1");
        Require(MaxUnflushedBytes >= L0SstSizeBytes, nameof(MaxUnflushedBytes), MaxUnflushedBytes, $"must be at least L0SstSizeBytes ({L0SstSizeBytes})");
        Require(ManifestPollInterval > TimeSpan.Zero, nameof(ManifestPollInterval), ManifestPollInterval, "must be positive");
        Require(ManifestUpdateTimeout > TimeSpan.Zero, nameof(ManifestUpdateTimeout), ManifestUpdateTimeout, "must be positive");
        Require(Enum.IsDefined(Compression), nameof(Compression), Compression, "is not a codec");
        Require(BlockSize is >= 1 and <= 65536, nameof(BlockSize), BlockSize, "must be 1..65536 bytes");
        Require(FilterBitsPerKey is >= 1 and <= 64, nameof(FilterBitsPerKey), FilterBitsPerKey, "must be 1..64");
        Require(MinFilterKeys >= 0, nameof(MinFilterKeys), MinFilterKeys, "must not be negative");
        Require(WholeKeyFiltering || FilterPrefixExtractor is not null, nameof(WholeKeyFiltering), WholeKeyFiltering, "may be off only with a FilterPrefixExtractor");
        Require(FormatLevel == FormatLevel.Detect || FormatLevel >= FormatLevel.SlateDb013 || FilterPrefixExtractor is null, nameof(FilterPrefixExtractor), FilterPrefixExtractor, "needs FormatLevel SlateDb013 or later (SlateDB 0.12 has no prefix filters)");
        Require(FormatLevel == FormatLevel.Detect || FormatLevel >= FormatLevel.SlateDb013 || SegmentExtractor is null, nameof(SegmentExtractor), SegmentExtractor, "needs FormatLevel SlateDb013 or later (SlateDB 0.12 has no segments)");
        Require(DefaultTtl is null || DefaultTtl > TimeSpan.Zero, nameof(DefaultTtl), DefaultTtl, "must be positive when set");
        Require(TimeProvider is not null, nameof(TimeProvider), TimeProvider, "must be set");
        Require(Enum.IsDefined(WalRecovery), nameof(WalRecovery), WalRecovery, "must be Strict or PointInTime");
        Require(Enum.IsDefined(FormatLevel), nameof(FormatLevel), FormatLevel, "must be Detect, SlateDb012, SlateDb013 or SlateDb014");
        BlockCache.Validate();
        (ObjectStoreCache ?? ThrowHelper.Invalid<ObjectStoreCacheOptions>("invalid DbOptions.ObjectStoreCache (null): must be set")).Validate(nameof(DbOptions));
        GarbageCollector?.Validate();
        (Compactor ?? ThrowHelper.Invalid<CompactorOptions>("invalid DbOptions.Compactor (null): must be set")).Validate();

        // The size-tiered scheduler starts on L0 only once MinCompactionSources SSTs wait there, and
        // flushes stop at L0MaxSsts: with the first above the second neither ever moves again.
        Require(!Compactor.Enabled || Compactor.Scheduler is not null || Compactor.MinCompactionSources <= L0MaxSsts, nameof(L0MaxSsts), L0MaxSsts,
            $"must be at least Compactor.MinCompactionSources ({Compactor.MinCompactionSources}) while the in-process compactor runs: L0 would fill before a compaction could start, and writes would stall for ever");
    }

    private static void Require(bool condition, string option, object? value, string rule)
    {
        if (!condition)
        {
            ThrowHelper.Invalid($"invalid DbOptions.{option} ({value?.ToString() ?? "null"}): {rule}");
        }
    }
}
