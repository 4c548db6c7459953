using SlateFast.ObjectStore;

namespace SlateFast.Settings;

/// <summary>
/// The one map from setting names to options: SlateDB's names (its <c>Settings</c>,
/// <c>DbReaderOptions</c>, <c>CompactorOptions</c> with <c>worker</c> and
/// <c>scheduler_options</c>, <c>GarbageCollectorOptions</c>, <c>ObjectStoreCacheOptions</c>,
/// 0.12 through 0.15) and SlateFast's own. Every key is handled here once; docs/settings.md lists
/// them and RFC 0027 says why each SlateDB setting SlateFast lacks is ignored or refused.
/// </summary>
internal static class SettingsBinder
{
    private static readonly string[] s_dbKeys =
    [
        // SlateDB's Settings.
        "flush_interval", "wal_enabled", "manifest_poll_interval", "manifest_update_timeout", "min_filter_keys",
        "filter_bits_per_key", "l0_sst_size_bytes", "max_wal_flushes_before_l0_flush", "l0_max_ssts", "l0_max_ssts_per_key",
        "l0_flush_parallelism", "max_unflushed_bytes", "compactor_options", "compression_codec", "object_store_cache_options",
        "garbage_collector_options", "metric_level", "default_ttl", "object_store_max_retries",
        // SlateFast's.
        "flush_on_durable_waiters", "wal_recovery", "block_size", "block_cache_data_bytes", "block_cache_meta_bytes",
        "block_cache_shard_count", "seed", "merge_operator", "format_level", "wal_store_url",
        "segment_extractor", "filter_prefix_extractor", "whole_key_filtering",
        // The C ABI's first names, kept as aliases.
        "flush_interval_ms", "manifest_poll_interval_ms", "manifest_update_timeout_ms", "default_ttl_ms",
    ];

    private static readonly string[] s_readerKeys =
    [
        "manifest_poll_interval", "checkpoint_lifetime", "max_memtable_bytes", "object_store_cache_options", "skip_wal_replay",
        "metric_level", "object_store_max_retries",
        "mode", "checkpoint_id", "wal_recovery", "block_cache_data_bytes", "block_cache_meta_bytes", "block_cache_shard_count",
        "merge_operator", "wal_store_url", "segment_extractor", "filter_prefix_extractor",
        "manifest_poll_interval_ms", "checkpoint_lifetime_ms",
    ];

    private static readonly string[] s_cacheKeys =
    [
        "root_folder", "max_cache_size_bytes", "part_size_bytes", "cache_puts", "cache_on_flush", "cache_on_compaction",
        "preload_disk_cache_on_startup", "scan_interval", "max_open_file_handles",
    ];

    private static readonly string[] s_compactorKeys =
    [
        "poll_interval", "manifest_update_timeout", "max_sst_size", "max_concurrent_compactions", "max_fetch_tasks",
        "scheduler_options", "enable_trivial_move", "worker", "metric_level", "commit_compacted_interval",
        "worker_heartbeat_timeout", "object_store_max_retries",
        "enabled",
    ];

    private static readonly string[] s_workerKeys =
    [
        "max_concurrent_compactions", "compactions_poll_interval", "heartbeat_interval", "heartbeat_bytes", "heartbeat_min_interval",
        "max_sst_size", "max_fetch_tasks", "bytes_to_fetch", "max_subcompactions", "min_filter_keys", "compression_codec", "metric_level",
    ];

    private static readonly string[] s_schedulerKeys = ["min_compaction_sources", "max_compaction_sources", "include_size_threshold"];

    private static readonly string[] s_gcKeys =
    [
        "manifest_options", "wal_options", "wal_fence_options", "compacted_options", "compactions_options", "detach_options",
        "metric_level", "boundary_files_enabled", "object_store_max_retries",
        "enabled", "interval", "min_age",
    ];

    private static readonly string[] s_gcKindKeys = ["interval", "min_age", "dry_run"];

    private static readonly string[] s_scheduleKeys = ["interval"];

    /// <summary>SlateDB's default of <c>max_wal_flushes_before_l0_flush</c>, which SlateFast accepts (see RFC 0027).</summary>
    private const long DefaultMaxWalFlushesBeforeL0Flush = 4096;

    public static DbOptions BindDb(SettingsNode root, DbOptions db)
    {
        var seen = new Dictionary<string, Setting>(StringComparer.Ordinal);
        foreach (var entry in new Setting(root).Children())
        {
            var name = entry.Name(s_dbKeys);
            seen[name] = entry;
            switch (name)
            {
                case "flush_interval":
                    db = db with { FlushInterval = entry.IsNull ? throw entry.Unsupported("SlateFast always writes the WAL on an interval; give one such as 100ms") : entry.Duration() };
                    break;
                case "flush_interval_ms": db = db with { FlushInterval = Milliseconds(entry) }; break;
                case "wal_enabled": db = db with { WalEnabled = entry.Bool() }; break;
                case "manifest_poll_interval": db = db with { ManifestPollInterval = entry.Duration() }; break;
                case "manifest_poll_interval_ms": db = db with { ManifestPollInterval = Milliseconds(entry) }; break;
                case "manifest_update_timeout": db = db with { ManifestUpdateTimeout = entry.Duration() }; break;
                case "manifest_update_timeout_ms": db = db with { ManifestUpdateTimeout = Milliseconds(entry) }; break;
                case "min_filter_keys": db = db with { MinFilterKeys = entry.Int() }; break;
                case "filter_bits_per_key": db = db with { FilterBitsPerKey = entry.Int() }; break;
                case "l0_sst_size_bytes": db = db with { L0SstSizeBytes = entry.Long() }; break;
                case "max_wal_flushes_before_l0_flush":
                    if (entry.Long() != DefaultMaxWalFlushesBeforeL0Flush)
                    {
                        throw entry.Unsupported($"SlateFast freezes a memtable by size (l0_sst_size_bytes), never by a count of WAL writes; only SlateDB's default {DefaultMaxWalFlushesBeforeL0Flush} is accepted");
                    }

                    break;
                case "l0_max_ssts": db = db with { L0MaxSsts = entry.Int() }; break;
                case "l0_max_ssts_per_key": entry.Int(); break; // checked against l0_max_ssts below
                case "l0_flush_parallelism":
                    // Throughput only: SlateFast writes one L0 SST at a time.
                    _ = entry.Int() >= 1 ? 0 : throw entry.Fail("must be at least 1");
                    break;
                case "max_unflushed_bytes": db = db with { MaxUnflushedBytes = entry.Long() }; break;
                case "compactor_options":
                    db = db with { Compactor = entry.IsNull ? db.Compactor with { Enabled = false } : BindCompactor(entry, db.Compactor) };
                    break;
                case "compression_codec": db = db with { Compression = Codec(entry) }; break;
                case "object_store_cache_options": db = db with { ObjectStoreCache = BindCache(entry, db.ObjectStoreCache) }; break;
                case "garbage_collector_options":
                    db = db with { GarbageCollector = entry.IsNull ? null : BindGarbageCollector(entry, db.GarbageCollector ?? new GarbageCollectorOptions()) };
                    break;
                case "metric_level": MetricLevel(entry); break;
                case "default_ttl": db = db with { DefaultTtl = Ttl(entry) }; break;
                case "default_ttl_ms": db = db with { DefaultTtl = entry.IsNull ? null : Milliseconds(entry) }; break;
                case "object_store_max_retries": NoRetryLimit(entry); break;
                case "flush_on_durable_waiters": db = db with { FlushOnDurableWaiters = entry.Bool() }; break;
                case "wal_recovery": db = db with { WalRecovery = WalRecovery(entry) }; break;
                case "block_size": db = db with { BlockSize = entry.Int() }; break;
                case "block_cache_data_bytes": db = db with { BlockCache = db.BlockCache with { DataCapacityBytes = entry.Long() } }; break;
                case "block_cache_meta_bytes": db = db with { BlockCache = db.BlockCache with { MetaCapacityBytes = entry.Long() } }; break;
                case "block_cache_shard_count": db = db with { BlockCache = db.BlockCache with { ShardCount = entry.Int() } }; break;
                case "seed": db = db with { Seed = entry.Int() }; break;
                case "merge_operator": db = db with { MergeOperator = MergeOperator(entry) }; break;
                case "segment_extractor": db = db with { SegmentExtractor = Extractor(entry) }; break;
                case "filter_prefix_extractor": db = db with { FilterPrefixExtractor = Extractor(entry) }; break;
                case "whole_key_filtering": db = db with { WholeKeyFiltering = entry.Bool() }; break;
                case "format_level": db = db with { FormatLevel = FormatLevels.TryParse(entry.Text(), out var level) ? level : throw entry.Fail($"expected {FormatLevels.Names}") }; break;
                default: db = db with { WalObjectStore = WalStore(entry) }; break;
            }
        }

        NotBoth(seen, "flush_interval", "flush_interval_ms");
        NotBoth(seen, "manifest_poll_interval", "manifest_poll_interval_ms");
        NotBoth(seen, "manifest_update_timeout", "manifest_update_timeout_ms");
        NotBoth(seen, "default_ttl", "default_ttl_ms");
        if (seen.TryGetValue("l0_max_ssts_per_key", out var perKey) && perKey.Int() < db.L0MaxSsts)
        {
            // SlateFast stalls flushes on the count of all L0 SSTs, which bounds the count over any one key.
            throw perKey.Unsupported($"SlateFast bounds L0 by l0_max_ssts ({db.L0MaxSsts}) alone; a per-key bound below it is not enforced. Lower l0_max_ssts instead");
        }

        if (root.Child("compactor_options")?.Child("worker") is { IsSection: true } worker)
        {
            SameAsDb(worker.Child("compression_codec"), Codec, db.Compression, "compression_codec");
            SameAsDb(worker.Child("min_filter_keys"), s => s.Int(), db.MinFilterKeys, "min_filter_keys");
        }

        return db;
    }

    public static DbReaderOptions BindReader(SettingsNode root, DbReaderOptions reader)
    {
        var seen = new Dictionary<string, Setting>(StringComparer.Ordinal);
        foreach (var entry in new Setting(root).Children())
        {
            var name = entry.Name(s_readerKeys);
            seen[name] = entry;
            reader = name switch
            {
                "manifest_poll_interval" => reader with { ManifestPollInterval = entry.Duration() },
                "manifest_poll_interval_ms" => reader with { ManifestPollInterval = Milliseconds(entry) },
                "checkpoint_lifetime" => reader with { CheckpointLifetime = entry.Duration() },
                "checkpoint_lifetime_ms" => reader with { CheckpointLifetime = Milliseconds(entry) },
                "max_memtable_bytes" => reader with { MaxMemtableBytes = entry.Long() },
                "object_store_cache_options" => reader with { ObjectStoreCache = BindCache(entry, reader.ObjectStoreCache) },
                "skip_wal_replay" => reader with { SkipWalReplay = entry.Bool() },
                "metric_level" => Ignore(reader, () => MetricLevel(entry)),
                "object_store_max_retries" => Ignore(reader, () => NoRetryLimit(entry)),
                "mode" => reader with
                {
                    Mode = entry.IsNull ? null : entry.OneOf(
                        "managed_checkpoint, fixed_checkpoint or follow_latest",
                        ("managed_checkpoint", DbReaderMode.ManagedCheckpoint), ("fixed_checkpoint", DbReaderMode.FixedCheckpoint), ("follow_latest", DbReaderMode.FollowLatest)),
                },
                "checkpoint_id" => reader with
                {
                    CheckpointId = entry.TextOrNull() is not { } id ? null
                        : Guid.TryParseExact(id, "D", out var guid) ? guid : throw entry.Fail("is not a checkpoint id (expected the 36-character UUID form)"),
                },
                "wal_recovery" => reader with { WalRecovery = WalRecovery(entry) },
                "block_cache_data_bytes" => reader with { BlockCache = reader.BlockCache with { DataCapacityBytes = entry.Long() } },
                "block_cache_meta_bytes" => reader with { BlockCache = reader.BlockCache with { MetaCapacityBytes = entry.Long() } },
                "block_cache_shard_count" => reader with { BlockCache = reader.BlockCache with { ShardCount = entry.Int() } },
                "merge_operator" => reader with { MergeOperator = MergeOperator(entry) },
                "segment_extractor" => reader with { SegmentExtractor = Extractor(entry) },
                "filter_prefix_extractor" => reader with { FilterPrefixExtractor = Extractor(entry) },
                _ => reader with { WalObjectStore = WalStore(entry) },
            };
        }

        NotBoth(seen, "manifest_poll_interval", "manifest_poll_interval_ms");
        NotBoth(seen, "checkpoint_lifetime", "checkpoint_lifetime_ms");
        return reader;
    }

    private static T Ignore<T>(T value, Action check)
    {
        check();
        return value;
    }

    private static void NotBoth(Dictionary<string, Setting> seen, string name, string alias)
    {
        if (seen.ContainsKey(name) && seen.TryGetValue(alias, out var second))
        {
            throw second.Fail($"and {name} both set the same option; keep one");
        }
    }

    private static TimeSpan Milliseconds(Setting entry) =>
        entry.Long() is var ms and >= 0 ? TimeSpan.FromMilliseconds(ms) : throw entry.Fail("must be a number of milliseconds, not negative");

    private static ObjectStoreCacheOptions BindCache(Setting section, ObjectStoreCacheOptions cache)
    {
        if (section.IsNull)
        {
            return new ObjectStoreCacheOptions();
        }

        bool? puts = null;
        foreach (var entry in section.Children())
        {
            switch (entry.Name(s_cacheKeys))
            {
                case "root_folder": cache = cache with { RootFolder = entry.TextOrNull() }; break;
                case "max_cache_size_bytes":
                    cache = cache with { MaxCacheSizeBytes = entry.IsNull ? throw entry.Unsupported("the disk cache needs a budget in bytes") : entry.Long() };
                    break;
                case "part_size_bytes": cache = cache with { PartSizeBytes = entry.Int() }; break;
                // SlateFast has one switch for both kinds of written SST (0.15 split cache_puts in two);
                // caching more or less changes only speed and disk use, which the budget bounds.
                case "cache_puts" or "cache_on_flush" or "cache_on_compaction": puts = (puts ?? false) | entry.Bool(); break;
                case "preload_disk_cache_on_startup":
                    // SlateDB spells the levels L0Sst and AllSst.
                    cache = cache with { PreloadDiskCacheOnStartup = entry.IsNull ? null : entry.OneOf("L0Sst or AllSst", ("L0Sst", PreloadLevel.L0Sst), ("AllSst", PreloadLevel.AllSst)) };
                    break;
                // Housekeeping only: SlateFast tracks its cache's files itself and opens them per read.
                case "scan_interval": entry.DurationOrNull(); break;
                default: _ = entry.Long() >= 1 ? 0 : throw entry.Fail("must be at least 1"); break;
            }
        }

        return puts is { } p ? cache with { CachePuts = p } : cache;
    }

    private static CompactorOptions BindCompactor(Setting section, CompactorOptions compactor)
    {
        foreach (var entry in section.Children())
        {
            switch (entry.Name(s_compactorKeys))
            {
                case "enabled": compactor = compactor with { Enabled = entry.Bool() }; break;
                case "poll_interval": compactor = compactor with { PollInterval = entry.Duration() }; break;
                case "max_sst_size": compactor = compactor with { MaxSstSize = entry.Long() }; break;
                case "max_concurrent_compactions": compactor = compactor with { MaxConcurrentCompactions = entry.Int() }; break;
                case "scheduler_options":
                    foreach (var option in entry.Children())
                    {
                        compactor = option.Name(s_schedulerKeys) switch
                        {
                            "min_compaction_sources" => compactor with { MinCompactionSources = option.Int() },
                            "max_compaction_sources" => compactor with { MaxCompactionSources = option.Int() },
                            _ => compactor with { SizeThreshold = option.Double() },
                        };
                    }

                    break;
                case "worker":
                    if (entry.IsNull)
                    {
                        throw entry.Unsupported("SlateFast has no separate compaction workers; its compactor runs in the database process (compactor_options: null turns it off)");
                    }

                    foreach (var option in entry.Children())
                    {
                        switch (option.Name(s_workerKeys))
                        {
                            case "max_concurrent_compactions": compactor = compactor with { MaxConcurrentCompactions = option.Int() }; break;
                            case "max_sst_size": compactor = compactor with { MaxSstSize = option.Long() }; break;
                            case "compactions_poll_interval" or "heartbeat_interval" or "heartbeat_min_interval": option.Duration(); break;
                            case "metric_level": MetricLevel(option); break;
                            case "compression_codec": Codec(option); break; // must equal the database's: checked by the caller
                            default: _ = option.Long() >= 0 ? 0 : throw option.Fail("must not be negative"); break;
                        }
                    }

                    break;
                case "enable_trivial_move":
                    // Ignored: SlateFast rewrites every input, which keeps the same rows (and drops
                    // tombstones a move would keep).
                    entry.Bool();
                    break;
                case "metric_level": MetricLevel(entry); break;
                case "object_store_max_retries": NoRetryLimit(entry); break;
                case "max_fetch_tasks": _ = entry.Int() >= 1 ? 0 : throw entry.Fail("must be at least 1"); break;
                default: entry.Duration(); break; // manifest_update_timeout, commit_compacted_interval, worker_heartbeat_timeout
            }
        }

        return compactor;
    }

    // SlateFast's own shorthand (enabled, interval, min_age for every kind) applies first; SlateDB's
    // per-kind sections then override it, whatever order the file lists them in.
    private static GarbageCollectorOptions? BindGarbageCollector(Setting section, GarbageCollectorOptions gc)
    {
        var entries = section.Children().Select(e => (Name: e.Name(s_gcKeys), Entry: e)).ToList();
        var enabled = entries.Where(e => e.Name == "enabled").Select(e => (bool?)e.Entry.Bool()).LastOrDefault();
        var interval = entries.Where(e => e.Name == "interval").Select(e => (TimeSpan?)e.Entry.Duration()).LastOrDefault();
        var minAge = entries.Where(e => e.Name == "min_age").Select(e => (TimeSpan?)e.Entry.Duration()).LastOrDefault();
        if (interval is not null || minAge is not null)
        {
            var defaults = new GarbageCollectorDirectoryOptions();
            gc = GarbageCollectorOptions.All(minAge ?? defaults.MinAge, interval ?? defaults.Interval);
        }

        foreach (var (name, entry) in entries)
        {
            switch (name)
            {
                case "manifest_options": gc = gc with { Manifest = BindKind(entry, gc.Manifest) }; break;
                case "wal_options": gc = gc with { Wal = BindKind(entry, gc.Wal) }; break;
                case "compacted_options": gc = gc with { Compacted = BindKind(entry, gc.Compacted) }; break;
                case "compactions_options": gc = gc with { Compactions = BindKind(entry, gc.Compactions) }; break;
                case "wal_fence_options":
                    // SlateFast's WAL collection (wal_options) covers fence objects like any WAL object.
                    BindKind(entry, null);
                    break;
                case "detach_options":
                    // SlateFast's collector does not detach clones; a clone keeps its parent's
                    // checkpoint, which costs storage and never loses data.
                    if (!entry.IsNull)
                    {
                        foreach (var option in entry.Children())
                        {
                            option.Name(s_scheduleKeys);
                            option.DurationOrNull();
                        }
                    }

                    break;
                case "metric_level": MetricLevel(entry); break;
                case "object_store_max_retries": NoRetryLimit(entry); break;
                case "boundary_files_enabled":
                    if (!entry.Bool())
                    {
                        throw entry.Unsupported("SlateFast always advances GC boundary files, which needs a store with conditional overwrites");
                    }

                    break;
            }
        }

        return enabled == false ? null : gc;
    }

    private static GarbageCollectorDirectoryOptions? BindKind(Setting section, GarbageCollectorDirectoryOptions? kind)
    {
        if (section.IsNull)
        {
            return null;
        }

        kind ??= new GarbageCollectorDirectoryOptions();
        foreach (var entry in section.Children())
        {
            switch (entry.Name(s_gcKindKeys))
            {
                // Null: no recurring pass, only explicit ones (SlateDB 0.12's meaning).
                case "interval": kind = kind with { Interval = entry.DurationOrNull() }; break;
                case "min_age": kind = kind with { MinAge = entry.Duration() }; break;
                default:
                    if (entry.Bool())
                    {
                        throw entry.Unsupported("SlateFast's background collector has no dry run and would delete what this asks to keep (slatefast gc --dry-run reports without deleting)");
                    }

                    break;
            }
        }

        return kind;
    }

    private static CompressionCodec Codec(Setting entry) => entry.IsNull
        ? CompressionCodec.None
        : entry.OneOf(
            "none, snappy, zlib, lz4 or zstd (SlateDB writes Snappy, Zlib, Lz4, Zstd; any case)",
            ("none", CompressionCodec.None), ("snappy", CompressionCodec.Snappy), ("zlib", CompressionCodec.Zlib), ("lz4", CompressionCodec.Lz4), ("zstd", CompressionCodec.Zstd));

    private static void SameAsDb<T>(SettingsNode? node, Func<Setting, T> read, T expected, string name)
    {
        if (node is not null && !EqualityComparer<T>.Default.Equals(read(new Setting(node)), expected))
        {
            throw new Setting(node).Unsupported($"SlateFast's compactor writes with the database's {name} ({expected}); set the same value or leave it out");
        }
    }

    // Metrics: SlateFast publishes every instrument on its meter; the listener chooses.
    private static void MetricLevel(Setting entry)
    {
        if (!entry.IsNull)
        {
            entry.OneOf("Info or Debug", ("info", 0), ("debug", 1));
        }
    }

    private static void NoRetryLimit(Setting entry)
    {
        if (!entry.IsNull)
        {
            throw entry.Unsupported("SlateFast retries transient store failures until each operation's deadline (store URL operation_timeout), not a count; leave it out or null");
        }
    }

    // SlateDB's default_ttl is a number of milliseconds; SlateFast also takes a duration ("7d").
    private static TimeSpan? Ttl(Setting entry)
    {
        if (entry.IsNull)
        {
            return null;
        }

        var text = entry.Text();
        return text.All(char.IsAsciiDigit) ? Milliseconds(entry) : entry.Duration();
    }

    private static WalRecoveryMode WalRecovery(Setting entry) =>
        entry.OneOf("strict or point_in_time", ("strict", WalRecoveryMode.Strict), ("point_in_time", WalRecoveryMode.PointInTime));

    // A shipped extractor by its spec (PrefixExtractor.Parse: fixed:N, delimiter:C, optionally @NAME); null: none.
    private static IPrefixExtractor? Extractor(Setting entry)
    {
        if (entry.TextOrNull() is not { } spec)
        {
            return null;
        }

        try
        {
            return PrefixExtractor.Parse(spec);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Invalid)
        {
            throw entry.Fail(e.Message);
        }
    }

    private static IMergeOperator? MergeOperator(Setting entry)
    {
        if (entry.TextOrNull() is not { } name)
        {
            return null;
        }

        try
        {
            return MergeOperators.FromName(name);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Invalid)
        {
            // The engine's message names the operator but not where it was asked for.
            throw entry.Fail(e.Message);
        }
    }

    private static IObjectStore? WalStore(Setting entry) => entry.TextOrNull() is { } url ? ObjectStores.FromUrl(url) : null;
}
