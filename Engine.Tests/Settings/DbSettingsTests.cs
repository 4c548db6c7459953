using SlateFast.Native;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Settings;

/// <summary>
/// DbSettings: a SlateDB settings file (JSON, TOML or YAML) or SLATEDB_ environment variables bind
/// onto SlateFast's options with SlateDB's names and durations; unknown keys, bad values and
/// SlateDB settings SlateFast cannot honour are Invalid naming the key's path.
/// </summary>
public sealed class DbSettingsTests : IDisposable
{
    private readonly TempFolder _folder = new("settings");

    public void Dispose() => _folder.Dispose();

    // One settings document, written the way SlateDB's docs write each format: nested compactor,
    // scheduler, GC and cache options, durations with units.
    private const string Toml = """
        flush_interval = "100ms"
        manifest_poll_interval = "1s"
        manifest_update_timeout = "5m"
        min_filter_keys = 500
        l0_sst_size_bytes = 1048576
        l0_max_ssts = 6
        l0_flush_parallelism = 4
        max_unflushed_bytes = 536870912
        compression_codec = "Zstd"
        default_ttl = 60000

        [compactor_options]
        poll_interval = "2s"
        max_concurrent_compactions = 2

        [compactor_options.worker]
        max_sst_size = 134217728

        [compactor_options.scheduler_options]
        min_compaction_sources = "3"
        max_compaction_sources = "9"
        include_size_threshold = "2.5"

        [object_store_cache_options]
        root_folder = "/tmp/slatefast-cache"
        max_cache_size_bytes = 1073741824
        part_size_bytes = 1048576
        cache_puts = true
        preload_disk_cache_on_startup = "L0Sst"
        scan_interval = "1h"

        [garbage_collector_options.manifest_options]
        interval = "5m"
        min_age = "1d"

        [garbage_collector_options.wal_options]
        interval = "1m"
        min_age = "1m"
        """;

    private const string Json = """
        {
          "flush_interval": "100ms",
          "manifest_poll_interval": "1s",
          "manifest_update_timeout": "5m",
          "min_filter_keys": 500,
          "l0_sst_size_bytes": 1048576,
          "l0_max_ssts": 6,
          "l0_flush_parallelism": 4,
          "max_unflushed_bytes": 536870912,
          "compression_codec": "Zstd",
          "default_ttl": 60000,
          "compactor_options": {
            "poll_interval": "2s",
            "max_concurrent_compactions": 2,
            "worker": { "max_sst_size": 134217728 },
            "scheduler_options": { "min_compaction_sources": "3", "max_compaction_sources": "9", "include_size_threshold": "2.5" }
          },
          "object_store_cache_options": {
            "root_folder": "/tmp/slatefast-cache", "max_cache_size_bytes": 1073741824, "part_size_bytes": 1048576,
            "cache_puts": true, "preload_disk_cache_on_startup": "L0Sst", "scan_interval": "1h"
          },
          "garbage_collector_options": {
            "manifest_options": { "interval": "5m", "min_age": "1d" },
            "wal_options": { "interval": "1m", "min_age": "1m" }
          }
        }
        """;

    private const string Yaml = """
        flush_interval: '100ms'
        manifest_poll_interval: 1s
        manifest_update_timeout: "5m"
        min_filter_keys: 500
        l0_sst_size_bytes: 1048576
        l0_max_ssts: 6
        l0_flush_parallelism: 4
        max_unflushed_bytes: 536870912
        compression_codec: Zstd
        default_ttl: 60000
        compactor_options:
          poll_interval: 2s
          max_concurrent_compactions: 2
          worker:
            max_sst_size: 134217728
          scheduler_options:
            min_compaction_sources: "3"
            max_compaction_sources: "9"
            include_size_threshold: "2.5"
        object_store_cache_options:
          root_folder: /tmp/slatefast-cache
          max_cache_size_bytes: 1073741824
          part_size_bytes: 1048576
          cache_puts: true
          preload_disk_cache_on_startup: L0Sst
          scan_interval: 1h
        garbage_collector_options:
          manifest_options:
            interval: 5m
            min_age: 1d
          wal_options:
            interval: 1m
            min_age: 1m
        """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("settings.toml", Toml)]
    [InlineData("settings.json", Json)]
    [InlineData("settings.yaml", Yaml)]
    [InlineData("settings.yml", Yaml)]
    public void A_SlateDB_settings_file_in_each_format_binds_to_the_options_it_names(string name, string text)
    {
        var options = DbSettings.Load(Write(name, text)).ToDbOptions();

        Assert.Equal(TimeSpan.FromMilliseconds(100), options.FlushInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ManifestPollInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ManifestUpdateTimeout);
        Assert.Equal(500, options.MinFilterKeys);
        Assert.Equal(1048576, options.L0SstSizeBytes);
        Assert.Equal(6, options.L0MaxSsts);
        Assert.Equal(536870912, options.MaxUnflushedBytes);
        Assert.Equal(CompressionCodec.Zstd, options.Compression);
        Assert.Equal(TimeSpan.FromMinutes(1), options.DefaultTtl); // SlateDB's default_ttl counts milliseconds
        Assert.Equal(new CompactorOptions
        {
            PollInterval = TimeSpan.FromSeconds(2), MaxConcurrentCompactions = 2, MaxSstSize = 134217728,
            MinCompactionSources = 3, MaxCompactionSources = 9, SizeThreshold = 2.5,
        }, options.Compactor);
        Assert.Equal(new ObjectStoreCacheOptions
        {
            RootFolder = "/tmp/slatefast-cache", MaxCacheSizeBytes = 1L << 30, PartSizeBytes = 1 << 20, CachePuts = true,
            PreloadDiskCacheOnStartup = PreloadLevel.L0Sst,
        }, options.ObjectStoreCache);
        var defaults = new GarbageCollectorDirectoryOptions();
        Assert.Equal(new GarbageCollectorOptions
        {
            Manifest = new() { Interval = TimeSpan.FromMinutes(5), MinAge = TimeSpan.FromDays(1) },
            Wal = new() { Interval = TimeSpan.FromMinutes(1), MinAge = TimeSpan.FromMinutes(1) },
            Compacted = defaults,
            Compactions = defaults,
        }, options.GarbageCollector);
        // What the file does not name keeps SlateFast's default.
        Assert.Equal(new DbOptions().BlockSize, options.BlockSize);
    }

    [Fact]
    public void The_three_formats_of_one_document_give_equal_options()
    {
        var fromToml = DbSettings.Parse(Toml, SettingsFormat.Toml).ToDbOptions();

        Assert.Equal(fromToml, DbSettings.Parse(Json, SettingsFormat.Json).ToDbOptions());
        Assert.Equal(fromToml, DbSettings.Parse(Yaml, SettingsFormat.Yaml).ToDbOptions());
        Assert.NotEqual(new DbOptions(), fromToml);
    }

    [Fact]
    public void Environment_variables_use_SlateDBs_prefix_and_dotted_nesting_and_override_a_file()
    {
        var environment = new Dictionary<string, string>
        {
            ["SLATEDB_FLUSH_INTERVAL"] = "1s",
            ["SLATEDB_OBJECT_STORE_CACHE_OPTIONS.ROOT_FOLDER"] = "/tmp/slatedb-root",
            ["slatedb_compactor_options__max_sst_size"] = "2097152", // the prefix in any case; __ nests too
            ["PATH"] = "/usr/bin",
        };
        var fromEnvironment = DbSettings.FromEnvironment("SLATEDB_", environment);

        var options = DbSettings.Parse(Toml, SettingsFormat.Toml).MergedWith(fromEnvironment).ToDbOptions();

        Assert.Equal(TimeSpan.FromSeconds(1), options.FlushInterval);
        Assert.Equal("/tmp/slatedb-root", options.ObjectStoreCache.RootFolder);
        Assert.Equal(2097152, options.Compactor.MaxSstSize);
        Assert.Equal(1L << 30, options.ObjectStoreCache.MaxCacheSizeBytes); // the file's, merged under the variable
        Assert.Equal(6, options.L0MaxSsts);
    }

    [Fact]
    public void An_unknown_environment_variable_with_the_prefix_is_invalid_naming_the_variable()
    {
        var settings = DbSettings.FromEnvironment("SLATEDB_", new Dictionary<string, string> { ["SLATEDB_FLUSH_INTERVALL"] = "1s" });

        var e = Assert.Throws<SlateFastException>(() => settings.ToDbOptions());

        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("SLATEDB_FLUSH_INTERVALL is not a SlateFast setting", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFromDefaultLocations_reads_SlateDb_files_in_the_folder_as_SlateDBs_Settings_load_does()
    {
        Write("SlateDb.yaml", "object_store_cache_options:\n  root_folder: /tmp/slatedb-root\n");
        Write("SlateDb.json", "{\"l0_max_ssts\": 5, \"object_store_cache_options\": {\"root_folder\": \"/overridden\"}}");

        var options = DbSettings.LoadFromDefaultLocations(_folder.Path).ToDbOptions();

        Assert.Equal("/tmp/slatedb-root", options.ObjectStoreCache.RootFolder); // the YAML comes after the JSON
        Assert.Equal(5, options.L0MaxSsts);
    }

    [Theory]
    [InlineData("{\"flush_intervall\": \"1s\"}", "flush_intervall is not a SlateFast setting")]
    [InlineData("{\"compactor_options\": {\"max_sst_sizee\": 1}}", "compactor_options.max_sst_sizee is not a SlateFast setting")]
    [InlineData("{\"compactor_options\": {\"scheduler_options\": {\"min_sources\": \"4\"}}}", "compactor_options.scheduler_options.min_sources is not a SlateFast setting")]
    [InlineData("{\"garbage_collector_options\": {\"wal_options\": {\"minage\": \"1s\"}}}", "garbage_collector_options.wal_options.minage is not a SlateFast setting")]
    [InlineData("{\"flush_interval\": \"fast\"}", "flush_interval must be a duration such as 100ms")]
    [InlineData("{\"flush_interval\": \"100\"}", "flush_interval needs a unit")]
    [InlineData("{\"flush_interval\": 100}", "flush_interval needs a unit")]
    [InlineData("{\"compactor_options\": {\"poll_interval\": \"5 parsecs\"}}", "compactor_options.poll_interval must be a duration")]
    [InlineData("{\"l0_max_ssts\": \"many\"}", "l0_max_ssts (\"many\") must be a whole number")]
    [InlineData("{\"wal_enabled\": \"yes\"}", "wal_enabled (\"yes\") must be true or false")]
    [InlineData("{\"compression_codec\": \"brotli\"}", "compression_codec (\"brotli\") expected none, snappy")]
    [InlineData("{\"compactor_options\": 3}", "compactor_options (\"3\") must be a section")]
    [InlineData("{\"flush_interval\": {\"ms\": 1}}", "flush_interval (a section) must be a single value")]
    [InlineData("{\"flush_interval\": \"1s\", \"FLUSH_INTERVAL\": \"2s\"}", "FLUSH_INTERVAL (\"2s\") is set twice")]
    public void A_bad_key_or_value_is_invalid_naming_its_path_and_the_expected_form(string json, string message)
    {
        var e = Assert.Throws<SlateFastException>(() => DbSettings.Parse(json, SettingsFormat.Json, "s.json").ToDbOptions());

        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("invalid settings in s.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flush_interval = \"1s\"\nflush_interval = \"2s\"\n", SettingsFormat.Toml)]
    [InlineData("flush_interval = [\"1s\"]\n", SettingsFormat.Toml)]
    [InlineData("flush_interval: [1s]\n", SettingsFormat.Yaml)]
    [InlineData("- a\n- b\n", SettingsFormat.Yaml)]
    [InlineData("flush_interval: : :\n", SettingsFormat.Yaml)]
    [InlineData("[1, 2]", SettingsFormat.Json)]
    [InlineData("{", SettingsFormat.Json)]
    public void Malformed_documents_are_invalid(string text, SettingsFormat format)
    {
        var e = Assert.Throws<SlateFastException>(() => DbSettings.Parse(text, format).ToDbOptions());
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Theory]
    [InlineData("{\"garbage_collector_options\": {\"wal_options\": {\"dry_run\": true}}}", "garbage_collector_options.wal_options.dry_run")]
    [InlineData("{\"garbage_collector_options\": {\"boundary_files_enabled\": false}}", "garbage_collector_options.boundary_files_enabled")]
    [InlineData("{\"compactor_options\": {\"worker\": null}}", "compactor_options.worker")]
    [InlineData("{\"compactor_options\": {\"worker\": {\"compression_codec\": \"Lz4\"}}}", "compactor_options.worker.compression_codec")]
    [InlineData("{\"object_store_max_retries\": 3}", "object_store_max_retries")]
    [InlineData("{\"flush_interval\": null}", "flush_interval")]
    [InlineData("{\"max_wal_flushes_before_l0_flush\": 5000}", "max_wal_flushes_before_l0_flush")]
    [InlineData("{\"l0_max_ssts\": 8, \"l0_max_ssts_per_key\": 4}", "l0_max_ssts_per_key")]
    public void A_SlateDB_setting_whose_effect_SlateFast_cannot_give_is_invalid_as_unsupported(string json, string key)
    {
        var e = Assert.Throws<SlateFastException>(() => DbSettings.Parse(json, SettingsFormat.Json).ToDbOptions());

        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains($"{key} (", e.Message, StringComparison.Ordinal);
        Assert.Contains("is not supported by SlateFast", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nulls_turn_off_what_SlateDB_turns_off_with_them()
    {
        var options = DbSettings.Parse(
            """{"compactor_options": null, "garbage_collector_options": null, "compression_codec": null, "default_ttl": null}""",
            SettingsFormat.Json).ToDbOptions(new DbOptions { Compression = CompressionCodec.Lz4, DefaultTtl = TimeSpan.FromDays(1) });

        Assert.False(options.Compactor.Enabled);
        Assert.Null(options.GarbageCollector);
        Assert.Equal(CompressionCodec.None, options.Compression);
        Assert.Null(options.DefaultTtl);

        var kinds = DbSettings.Parse("garbage_collector_options:\n  wal_options: ~\n  compacted_options:\n    interval: null\n", SettingsFormat.Yaml).ToGarbageCollectorOptions();
        Assert.Null(kinds!.Wal);
        Assert.Null(kinds.Compacted!.Interval); // no recurring pass, SlateDB 0.12's meaning
    }

    // The example documents of SlateDB's config module (0.12 and 0.15), its bencher's SlateDb.toml
    // and the strings of its config tests, written here again: a SlateDB user's file binds as is.
    [Theory]
    [InlineData(SettingsFormat.Toml, """
        flush_interval = "100ms"
        wal_enabled = false
        manifest_poll_interval = "1s"
        manifest_update_timeout = "300s"
        min_filter_keys = 1000
        filter_bits_per_key = 10
        l0_sst_size_bytes = 67108864
        l0_max_ssts = 8
        l0_flush_parallelism = 4
        max_unflushed_bytes = 536870912
        [compactor_options]
        poll_interval = "5s"
        max_sst_size = 1073741824
        max_concurrent_compactions = 4
        [compactor_options.scheduler_options]
        min_compaction_sources = "4"
        max_compaction_sources = "8"
        include_size_threshold = "4.0"
        [object_store_cache_options]
        root_folder = "/tmp/slatedb-cache"
        max_cache_size_bytes = 17179869184
        part_size_bytes = 4194304
        scan_interval = "3600s"
        [garbage_collector_options.manifest_options]
        interval = "300s"
        min_age = "86400s"
        [garbage_collector_options.wal_options]
        interval = "60s"
        min_age = "60s"
        [garbage_collector_options.compacted_options]
        interval = "300s"
        min_age = "86400s"
        [garbage_collector_options.compactions_options]
        interval = "300s"
        min_age = "86400s"
        """)]
    [InlineData(SettingsFormat.Toml, """
        flush_interval = "100ms"
        wal_enabled = false
        manifest_poll_interval = "1s"
        manifest_update_timeout = "300s"
        min_filter_keys = 1000
        l0_sst_size_bytes = 67108864
        max_wal_flushes_before_l0_flush = 4096
        l0_max_ssts = 8
        l0_max_ssts_per_key = 8
        l0_flush_parallelism = 4
        max_unflushed_bytes = 536870912
        metric_level = "Info"
        [compactor_options]
        poll_interval = "5s"
        max_concurrent_compactions = 4
        enable_trivial_move = false
        [compactor_options.worker]
        max_sst_size = 1073741824
        [compactor_options.scheduler_options]
        min_compaction_sources = "4"
        max_compaction_sources = "8"
        include_size_threshold = "4.0"
        [object_store_cache_options]
        root_folder = "/tmp/slatedb-cache"
        max_cache_size_bytes = 17179869184
        part_size_bytes = 4194304
        scan_interval = "3600s"
        [garbage_collector_options.manifest_options]
        interval = "300s"
        min_age = "86400s"
        [garbage_collector_options.wal_options]
        interval = "60s"
        min_age = "60s"
        [garbage_collector_options.compacted_options]
        interval = "300s"
        min_age = "86400s"
        [garbage_collector_options.compactions_options]
        interval = "300s"
        min_age = "86400s"
        """)]
    [InlineData(SettingsFormat.Json, """
        {"flush_interval": "100ms", "wal_enabled": false, "manifest_poll_interval": "1s", "manifest_update_timeout": "300s",
         "min_filter_keys": 1000, "l0_sst_size_bytes": 67108864, "max_wal_flushes_before_l0_flush": 4096, "l0_max_ssts": 8,
         "l0_max_ssts_per_key": 8, "l0_flush_parallelism": 4, "max_unflushed_bytes": 536870912, "metric_level": "Info",
         "compactor_options": {"poll_interval": "5s", "max_concurrent_compactions": 4, "enable_trivial_move": false,
           "worker": {"max_sst_size": 1073741824},
           "scheduler_options": {"min_compaction_sources": "4", "max_compaction_sources": "8", "include_size_threshold": "4.0"}},
         "compression_codec": null,
         "object_store_cache_options": {"root_folder": "/tmp/slatedb-cache", "max_cache_size_bytes": 17179869184, "part_size_bytes": 4194304, "scan_interval": "3600s"},
         "garbage_collector_options": {"manifest_options": {"interval": "300s", "min_age": "86400s"}, "wal_options": {"interval": "60s", "min_age": "60s"},
           "compacted_options": {"interval": "300s", "min_age": "86400s"}, "compactions_options": {"interval": "300s", "min_age": "86400s"}}}
        """)]
    [InlineData(SettingsFormat.Yaml, """
        flush_interval: '100ms'
        wal_enabled: false
        manifest_poll_interval: '1s'
        manifest_update_timeout: '300s'
        min_filter_keys: 1000
        l0_sst_size_bytes: 67108864
        max_wal_flushes_before_l0_flush: 4096
        l0_max_ssts: 8
        l0_max_ssts_per_key: 8
        l0_flush_parallelism: 1
        max_unflushed_bytes: 536870912
        metric_level: Info
        compactor_options:
          poll_interval: '5s'
          max_concurrent_compactions: 4
          enable_trivial_move: false
          worker:
            max_sst_size: 1073741824
          scheduler_options:
            min_compaction_sources: "4"
            max_compaction_sources: "8"
            include_size_threshold: "4.0"
        compression_codec: null
        object_store_cache_options:
          root_folder: /tmp/slatedb-cache
          max_cache_size_bytes: 17179869184
          part_size_bytes: 4194304
          scan_interval: '3600s'
        garbage_collector_options:
          manifest_options:
            interval: '300s'
            min_age: '86400s'
          wal_options:
            interval: '60s'
            min_age: '60s'
          compacted_options:
            interval: '300s'
            min_age: '86400s'
          compactions_options:
            interval: '300s'
            min_age: '86400s'
        """)]
    [InlineData(SettingsFormat.Toml, "flush_interval = \"100ms\"\n[object_store_cache_options]\nroot_folder = \"/tmp/slatedb-cache\"\n[compactor_options]\npoll_interval = \"1s\"\n")]
    [InlineData(SettingsFormat.Json, "{\"flush_interval\": \"1s\", \"metric_level\": \"Debug\", \"object_store_cache_options\": {\"root_folder\": \"/tmp/slatedb-root\"}}")]
    [InlineData(SettingsFormat.Yaml, "flush_interval: \"1s\"\nmetric_level: Debug\nobject_store_cache_options:\n    root_folder: \"/tmp/slatedb-root\"\n")]
    public void SlateDBs_own_example_settings_bind_without_error(SettingsFormat format, string text)
    {
        var options = DbSettings.Parse(text, format).ToDbOptions();

        Assert.NotNull(options.ObjectStoreCache.RootFolder);
        options.Validate();
    }

    [Theory]
    [InlineData("1s+500ms", 1500)]
    [InlineData("050ms", 50)]
    [InlineData("3m 31s", 211_000)]
    [InlineData("1hr", 3_600_000)]
    [InlineData("1d2h3min4s", 93_784_000)]
    [InlineData("2w", 1_209_600_000)]
    [InlineData("1 Minute", 60_000)]
    public void Durations_take_SlateDBs_units_and_sums(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DbSettings.Parse($"flush_interval = \"{text}\"", SettingsFormat.Toml).ToDbOptions().FlushInterval);

    [Theory]
    [InlineData("1m+30", "needs a unit after 30")]
    [InlineData("1m*10", "multiplies")]
    [InlineData("1s+", "must be a duration")]
    public void Durations_without_a_unit_or_with_a_product_are_refused(string text, string message)
    {
        var e = Assert.Throws<SlateFastException>(() => DbSettings.Parse($"flush_interval = \"{text}\"", SettingsFormat.Toml).ToDbOptions());
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tools_parse_durations_by_the_settings_rules_and_a_refusal_is_Invalid_naming_the_flag()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(93_784_000), Durations.Parse("1d2h3min4s", "--lifetime"));
        var e = Assert.Throws<SlateFastException>(() => Durations.Parse("60", "--min-age"));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("--min-age needs a unit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_settings_bind_SlateDBs_DbReaderOptions_names()
    {
        var options = DbSettings.Parse(
            "manifest_poll_interval: 2s\ncheckpoint_lifetime: 5m\nmax_memtable_bytes: 8192\nskip_wal_replay: true\nobject_store_cache_options:\n  root_folder: /tmp/c\n",
            SettingsFormat.Yaml).ToReaderOptions();

        Assert.Equal(TimeSpan.FromSeconds(2), options.ManifestPollInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.CheckpointLifetime);
        Assert.Equal(8192, options.MaxMemtableBytes);
        Assert.True(options.SkipWalReplay);
        Assert.Equal("/tmp/c", options.ObjectStoreCache.RootFolder);
    }

    [Fact]
    public void The_C_ABI_options_json_takes_SlateDB_names_and_keeps_its_ms_aliases()
    {
        var options = OptionsJson.Parse(
            """{"flush_interval": "250ms", "compactor_options": {"poll_interval": "3s"}, "garbage_collector_options": {"wal_options": {"min_age": "2m"}}}""", null);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.FlushInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Compactor.PollInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), options.GarbageCollector!.Wal!.MinAge);

        Assert.Equal(TimeSpan.FromMilliseconds(40), OptionsJson.Parse("""{"flush_interval_ms": 40}""", null).FlushInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), ReaderOptionsJson.Parse("""{"checkpoint_lifetime": "10m"}""", null).CheckpointLifetime);
        var both = Assert.Throws<SlateFastException>(() => OptionsJson.Parse("""{"flush_interval": "1s", "flush_interval_ms": 40}""", null));
        Assert.Contains("flush_interval_ms", both.Message, StringComparison.Ordinal);
    }
}
