namespace SlateFast.Native;

/// <summary>
/// <c>object_store_cache_options</c> in <c>options_json</c>: SlateDB's object with its field
/// names, every field optional (<see cref="ObjectStoreCacheOptions"/>).
/// </summary>
internal sealed record ObjectStoreCacheJson
{
    public string? RootFolder { get; init; }

    public long? MaxCacheSizeBytes { get; init; }

    public int? PartSizeBytes { get; init; }

    public bool? CachePuts { get; init; }

    /// <summary>"L0Sst" or "AllSst" (SlateDB's spelling), or null for none.</summary>
    public string? PreloadDiskCacheOnStartup { get; init; }

    /// <summary>The options, or the defaults (cache off) when the object is absent.</summary>
    public static ObjectStoreCacheOptions ToOptions(ObjectStoreCacheJson? json)
    {
        var defaults = new ObjectStoreCacheOptions();
        return json is null ? defaults : defaults with
        {
            RootFolder = json.RootFolder,
            MaxCacheSizeBytes = json.MaxCacheSizeBytes ?? defaults.MaxCacheSizeBytes,
            PartSizeBytes = json.PartSizeBytes ?? defaults.PartSizeBytes,
            CachePuts = json.CachePuts ?? defaults.CachePuts,
            PreloadDiskCacheOnStartup = json.PreloadDiskCacheOnStartup switch
            {
                null => null,
                "L0Sst" => PreloadLevel.L0Sst,
                "AllSst" => PreloadLevel.AllSst,
                var other => ThrowHelper.Invalid<PreloadLevel>($"invalid options_json object_store_cache_options.preload_disk_cache_on_startup \"{other}\": expected L0Sst or AllSst"),
            },
        };
    }
}
