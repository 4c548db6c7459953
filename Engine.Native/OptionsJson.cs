using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace SlateFast.Native;

/// <summary>
/// The <c>options_json</c> of <c>sf_db_open</c>: SlateDB-style snake_case names, every field
/// optional (absent = the engine default). Unknown fields are Invalid, so a typo is not ignored.
/// </summary>
internal sealed record OptionsJson
{
    public long? FlushIntervalMs { get; init; }

    public bool? FlushOnDurableWaiters { get; init; }

    public long? L0SstSizeBytes { get; init; }

    public int? L0MaxSsts { get; init; }

    public long? MaxUnflushedBytes { get; init; }

    public long? ManifestPollIntervalMs { get; init; }

    public long? ManifestUpdateTimeoutMs { get; init; }

    public bool? WalEnabled { get; init; }

    public string? CompressionCodec { get; init; }

    public int? BlockSize { get; init; }

    public int? FilterBitsPerKey { get; init; }

    public int? MinFilterKeys { get; init; }

    public long? DefaultTtlMs { get; init; }

    public long? BlockCacheDataBytes { get; init; }

    public long? BlockCacheMetaBytes { get; init; }

    public int? Seed { get; init; }

    public string? MergeOperator { get; init; }

    public string? FormatLevel { get; init; }

    /// <summary>A separate WAL object store's URL, as <c>store_url</c> (<see cref="DbOptions.WalObjectStore"/>).</summary>
    public string? WalStoreUrl { get; init; }

    /// <summary>The disk cache for object-store reads (SlateDB's <c>object_store_cache_options</c>).</summary>
    public ObjectStoreCacheJson? ObjectStoreCacheOptions { get; init; }

    /// <summary>Parses <paramref name="json"/> (null or blank: defaults) into options; bad input is Invalid.</summary>
    public static DbOptions Parse(string? json, ILoggerFactory? loggerFactory)
    {
        var parsed = string.IsNullOrWhiteSpace(json) ? new OptionsJson() : Deserialize(json);
        return parsed.ToDbOptions() with { LoggerFactory = loggerFactory };
    }

    private static OptionsJson Deserialize(string json) => Deserialize(json, OptionsJsonContext.Default.OptionsJson);

    /// <summary>Reads a JSON object with a source-generated reader; malformed or null input is Invalid.</summary>
    internal static T Deserialize<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? ThrowHelper.Invalid<T>("options_json must be a JSON object, not null");
        }
        catch (JsonException e)
        {
            return ThrowHelper.Invalid<T>($"invalid options_json: {e.Message}");
        }
    }

    private DbOptions ToDbOptions()
    {
        var defaults = new DbOptions();
        return defaults with
        {
            FlushInterval = Ms(FlushIntervalMs) ?? defaults.FlushInterval,
            FlushOnDurableWaiters = FlushOnDurableWaiters ?? defaults.FlushOnDurableWaiters,
            L0SstSizeBytes = L0SstSizeBytes ?? defaults.L0SstSizeBytes,
            L0MaxSsts = L0MaxSsts ?? defaults.L0MaxSsts,
            MaxUnflushedBytes = MaxUnflushedBytes ?? defaults.MaxUnflushedBytes,
            ManifestPollInterval = Ms(ManifestPollIntervalMs) ?? defaults.ManifestPollInterval,
            ManifestUpdateTimeout = Ms(ManifestUpdateTimeoutMs) ?? defaults.ManifestUpdateTimeout,
            WalEnabled = WalEnabled ?? defaults.WalEnabled,
            Compression = CompressionCodec is null ? defaults.Compression : Codec(CompressionCodec),
            BlockSize = BlockSize ?? defaults.BlockSize,
            FilterBitsPerKey = FilterBitsPerKey ?? defaults.FilterBitsPerKey,
            MinFilterKeys = MinFilterKeys ?? defaults.MinFilterKeys,
            DefaultTtl = Ms(DefaultTtlMs) ?? defaults.DefaultTtl,
            BlockCache = defaults.BlockCache with
            {
                DataCapacityBytes = BlockCacheDataBytes ?? defaults.BlockCache.DataCapacityBytes,
                MetaCapacityBytes = BlockCacheMetaBytes ?? defaults.BlockCache.MetaCapacityBytes,
            },
            Seed = Seed ?? defaults.Seed,
            MergeOperator = MergeOperator is null ? defaults.MergeOperator : MergeOperators.FromName(MergeOperator),
            FormatLevel = FormatLevel is null ? defaults.FormatLevel
                : FormatLevels.TryParse(FormatLevel, out var level) ? level
                : ThrowHelper.Invalid<SlateFast.FormatLevel>($"invalid options_json format_level \"{FormatLevel}\": expected {FormatLevels.Names}"),
            WalObjectStore = WalStore(WalStoreUrl),
            ObjectStoreCache = ObjectStoreCacheJson.ToOptions(ObjectStoreCacheOptions),
        };
    }

    /// <summary>The store a <c>wal_store_url</c> names; null when absent.</summary>
    internal static ObjectStore.IObjectStore? WalStore(string? url) =>
        url is null ? null : ObjectStore.ObjectStores.FromUrl(url);

    private static TimeSpan? Ms(long? ms) => ms is { } value ? TimeSpan.FromMilliseconds(value) : null;

    private static CompressionCodec Codec(string name) => name.ToLowerInvariant() switch
    {
        "none" => SlateFast.CompressionCodec.None,
        "snappy" => SlateFast.CompressionCodec.Snappy,
        "zlib" => SlateFast.CompressionCodec.Zlib,
        "lz4" => SlateFast.CompressionCodec.Lz4,
        "zstd" => SlateFast.CompressionCodec.Zstd,
        _ => ThrowHelper.Invalid<CompressionCodec>($"invalid options_json compression_codec \"{name}\": expected none, snappy, zlib, lz4 or zstd"),
    };
}

/// <summary>Source-generated (reflection-free, NativeAOT-safe) reader of <see cref="OptionsJson"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(OptionsJson))]
[JsonSerializable(typeof(ReaderOptionsJson))]
[JsonSerializable(typeof(ObjectStoreCacheJson))]
[JsonSerializable(typeof(WalReaderOptionsJson))]
internal sealed partial class OptionsJsonContext : JsonSerializerContext;
