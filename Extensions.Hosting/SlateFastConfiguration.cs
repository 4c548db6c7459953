using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SlateFast.Extensions.Hosting;

/// <summary>
/// Reads a configuration section into <see cref="SlateFastOptions"/> with SlateDB's setting
/// names (<c>flush_interval: "100ms"</c>, <c>l0_sst_size_bytes</c>, <c>object_store_cache_options</c>)
/// and the C ABI's for what SlateDB has no name for (<c>block_cache_data_bytes</c>, <c>wal_store_url</c>).
/// </summary>
/// <remarks>
/// Hand-written rather than ConfigurationBinder: the binder knows neither snake_case nor "100ms",
/// and it skips keys it does not know, so a misspelt setting would be silently ignored. Here an
/// unknown key or a bad value is <see cref="ErrorKind.Invalid"/> naming its full configuration
/// path. Ranges are left to the engine, which checks every option when the database opens.
/// Keys compare case-insensitively, as configuration keys do everywhere else in .NET.
/// </remarks>
internal static class SlateFastConfiguration
{
    private static readonly string[] s_topLevelKeys =
    [
        "path", "store_url", "wal_store_url", "flush_interval", "flush_on_durable_waiters", "l0_sst_size_bytes",
        "l0_max_ssts", "max_unflushed_bytes", "manifest_poll_interval", "manifest_update_timeout", "wal_enabled",
        "wal_recovery", "compression_codec", "block_size", "filter_bits_per_key", "min_filter_keys", "default_ttl",
        "block_cache_data_bytes", "block_cache_meta_bytes", "block_cache_shard_count", "seed", "merge_operator",
        "format_level", "object_store_cache_options", "compactor_options", "garbage_collector_options",
    ];

    private static readonly string[] s_cacheKeys = ["root_folder", "max_cache_size_bytes", "part_size_bytes", "cache_puts", "preload_disk_cache_on_startup"];

    private static readonly string[] s_compactorKeys = ["enabled", "poll_interval", "max_sst_size", "max_concurrent_compactions"];

    private static readonly string[] s_gcKeys = ["enabled", "interval", "min_age"];

    /// <summary>Applies every key under <paramref name="section"/> to <paramref name="options"/>; absent keys keep their value.</summary>
    public static void Apply(IConfiguration section, SlateFastOptions options)
    {
        var db = options.DbOptions;
        foreach (var entry in section.GetChildren())
        {
            var value = new Entry(entry);
            switch (value.Name(s_topLevelKeys))
            {
                case "path": options.Path = value.Text(); break;
                case "store_url": options.StoreUrl = value.Text(); break;
                case "wal_store_url": options.WalStoreUrl = value.Text(); break;
                case "flush_interval": db = db with { FlushInterval = value.Duration() }; break;
                case "flush_on_durable_waiters": db = db with { FlushOnDurableWaiters = value.Bool() }; break;
                case "l0_sst_size_bytes": db = db with { L0SstSizeBytes = value.Long() }; break;
                case "l0_max_ssts": db = db with { L0MaxSsts = value.Int() }; break;
                case "max_unflushed_bytes": db = db with { MaxUnflushedBytes = value.Long() }; break;
                case "manifest_poll_interval": db = db with { ManifestPollInterval = value.Duration() }; break;
                case "manifest_update_timeout": db = db with { ManifestUpdateTimeout = value.Duration() }; break;
                case "wal_enabled": db = db with { WalEnabled = value.Bool() }; break;
                case "wal_recovery": db = db with { WalRecovery = value.OneOf("strict or point_in_time", ("strict", WalRecoveryMode.Strict), ("point_in_time", WalRecoveryMode.PointInTime)) }; break;
                case "compression_codec":
                    db = db with
                    {
                        Compression = value.OneOf(
                            "none, snappy, zlib, lz4 or zstd",
                            ("none", CompressionCodec.None), ("snappy", CompressionCodec.Snappy), ("zlib", CompressionCodec.Zlib), ("lz4", CompressionCodec.Lz4), ("zstd", CompressionCodec.Zstd)),
                    };
                    break;
                case "block_size": db = db with { BlockSize = value.Int() }; break;
                case "filter_bits_per_key": db = db with { FilterBitsPerKey = value.Int() }; break;
                case "min_filter_keys": db = db with { MinFilterKeys = value.Int() }; break;
                case "default_ttl": db = db with { DefaultTtl = value.Duration() }; break;
                case "block_cache_data_bytes": db = db with { BlockCache = db.BlockCache with { DataCapacityBytes = value.Long() } }; break;
                case "block_cache_meta_bytes": db = db with { BlockCache = db.BlockCache with { MetaCapacityBytes = value.Long() } }; break;
                case "block_cache_shard_count": db = db with { BlockCache = db.BlockCache with { ShardCount = value.Int() } }; break;
                case "seed": db = db with { Seed = value.Int() }; break;
                case "merge_operator": db = db with { MergeOperator = value.MergeOperator() }; break;
                case "format_level":
                    db = db with
                    {
                        FormatLevel = FormatLevels.TryParse(value.Text(), out var level) ? level : value.Fail<FormatLevel>($"expected {FormatLevels.Names}"),
                    };
                    break;
                case "object_store_cache_options": db = db with { ObjectStoreCache = DiskCache(value, db.ObjectStoreCache) }; break;
                case "compactor_options": db = db with { Compactor = Compactor(value, db.Compactor) }; break;
                default: db = db with { GarbageCollector = GarbageCollector(value, db.GarbageCollector) }; break;
            }
        }

        options.DbOptions = db;
    }

    private static ObjectStoreCacheOptions DiskCache(Entry section, ObjectStoreCacheOptions cache)
    {
        foreach (var entry in section.Children())
        {
            cache = entry.Name(s_cacheKeys) switch
            {
                "root_folder" => cache with { RootFolder = entry.Text() },
                "max_cache_size_bytes" => cache with { MaxCacheSizeBytes = entry.Long() },
                "part_size_bytes" => cache with { PartSizeBytes = entry.Int() },
                "cache_puts" => cache with { CachePuts = entry.Bool() },
                // SlateDB spells the levels L0Sst and AllSst.
                _ => cache with { PreloadDiskCacheOnStartup = entry.OneOf("L0Sst or AllSst", ("L0Sst", PreloadLevel.L0Sst), ("AllSst", PreloadLevel.AllSst)) },
            };
        }

        return cache;
    }

    private static CompactorOptions Compactor(Entry section, CompactorOptions compactor)
    {
        foreach (var entry in section.Children())
        {
            compactor = entry.Name(s_compactorKeys) switch
            {
                "enabled" => compactor with { Enabled = entry.Bool() },
                "poll_interval" => compactor with { PollInterval = entry.Duration() },
                "max_sst_size" => compactor with { MaxSstSize = entry.Long() },
                _ => compactor with { MaxConcurrentCompactions = entry.Int() },
            };
        }

        return compactor;
    }

    // One interval and one minimum age for every kind of object, or none at all: the per-kind
    // settings stay with code configuration, where GarbageCollectorOptions says them clearly.
    private static GarbageCollectorOptions? GarbageCollector(Entry section, GarbageCollectorOptions? current)
    {
        bool? enabled = null;
        TimeSpan? interval = null, minAge = null;
        foreach (var entry in section.Children())
        {
            switch (entry.Name(s_gcKeys))
            {
                case "enabled": enabled = entry.Bool(); break;
                case "interval": interval = entry.Duration(); break;
                default: minAge = entry.Duration(); break;
            }
        }

        if (enabled == false)
        {
            return null;
        }

        if (interval is null && minAge is null)
        {
            return current ?? new GarbageCollectorOptions();
        }

        var defaults = new GarbageCollectorDirectoryOptions();
        return GarbageCollectorOptions.All(minAge ?? defaults.MinAge, interval ?? defaults.Interval);
    }

    /// <summary>One configuration entry, with readers that name its full path when its value is wrong.</summary>
    private readonly struct Entry(IConfigurationSection section)
    {
        private string Where => section.Path;

        /// <summary>The key, lower-cased, when it is one of <paramref name="known"/>; otherwise Invalid listing them.</summary>
        public string Name(string[] known)
        {
            var key = section.Key.ToLowerInvariant();
            return Array.IndexOf(known, key) >= 0
                ? key
                : throw new SlateFastException(ErrorKind.Invalid, $"invalid configuration: {Where} is not a SlateFast setting (known keys: {string.Join(", ", known)})");
        }

        public IEnumerable<Entry> Children()
        {
            if (section.Value is not null)
            {
                Fail<int>("must be a section of settings, not a single value");
            }

            return section.GetChildren().Select(c => new Entry(c));
        }

        public string Text()
        {
            if (section.Value is null)
            {
                // A section where a value belongs: "flush_interval": { ... } in JSON.
                Fail<int>("must be a single value, not a section");
            }

            return section.Value!.Trim();
        }

        public TimeSpan Duration() =>
            Durations.TryParse(Text(), Where, out var error) ?? throw new SlateFastException(ErrorKind.Invalid, $"invalid configuration: {error}");

        public long Long() =>
            long.TryParse(Text(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : Fail<long>("must be a whole number (bytes or a count)");

        public int Int() =>
            int.TryParse(Text(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : Fail<int>($"must be a whole number up to {int.MaxValue}");

        public bool Bool() => Text().ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => Fail<bool>("must be true or false"),
        };

        public T OneOf<T>(string expected, params (string Name, T Value)[] choices)
        {
            var text = Text();
            foreach (var (name, value) in choices)
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            return Fail<T>($"expected {expected}");
        }

        public IMergeOperator MergeOperator()
        {
            var name = Text();
            try
            {
                return MergeOperators.FromName(name);
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Invalid)
            {
                // The engine's message names the operator but not where it was asked for.
                return Fail<IMergeOperator>(e.Message);
            }
        }

        public T Fail<T>(string why) =>
            throw new SlateFastException(ErrorKind.Invalid, $"invalid configuration: {Where} ({Quote(section.Value)}) {why}");

        private static string Quote(string? value) => value is null ? "a section" : $"\"{value}\"";
    }
}
