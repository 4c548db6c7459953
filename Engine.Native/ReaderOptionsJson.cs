using Microsoft.Extensions.Logging;

namespace SlateFast.Native;

/// <summary>
/// The <c>options_json</c> of <c>sf_reader_open</c>: <see cref="DbReaderOptions"/> in snake_case,
/// every field optional; unknown fields are Invalid.
/// </summary>
internal sealed record ReaderOptionsJson
{
    /// <summary>"managed_checkpoint", "fixed_checkpoint" or "follow_latest"; absent: fixed when <see cref="CheckpointId"/> is set, else managed.</summary>
    public string? Mode { get; init; }

    public string? CheckpointId { get; init; }

    public long? ManifestPollIntervalMs { get; init; }

    public long? CheckpointLifetimeMs { get; init; }

    public long? MaxMemtableBytes { get; init; }

    public bool? SkipWalReplay { get; init; }

    public long? BlockCacheDataBytes { get; init; }

    public long? BlockCacheMetaBytes { get; init; }

    /// <summary>The database's separate WAL store, as in <c>sf_db_open</c>'s options.</summary>
    public string? WalStoreUrl { get; init; }

    /// <summary>The disk cache for object-store reads, as in <see cref="OptionsJson"/>.</summary>
    public ObjectStoreCacheJson? ObjectStoreCacheOptions { get; init; }

    /// <summary>Parses <paramref name="json"/> (null or blank: defaults); bad input is Invalid. The engine validates the combination when the reader opens.</summary>
    public static DbReaderOptions Parse(string? json, ILoggerFactory? loggerFactory)
    {
        var parsed = string.IsNullOrWhiteSpace(json) ? new ReaderOptionsJson() : OptionsJson.Deserialize(json, OptionsJsonContext.Default.ReaderOptionsJson);
        var defaults = new DbReaderOptions();
        return defaults with
        {
            Mode = parsed.Mode is null ? null : ParseMode(parsed.Mode),
            CheckpointId = parsed.CheckpointId is null ? null : NativeApi.ParseCheckpointId(parsed.CheckpointId),
            ManifestPollInterval = parsed.ManifestPollIntervalMs is { } poll ? TimeSpan.FromMilliseconds(poll) : defaults.ManifestPollInterval,
            CheckpointLifetime = parsed.CheckpointLifetimeMs is { } lifetime ? TimeSpan.FromMilliseconds(lifetime) : defaults.CheckpointLifetime,
            MaxMemtableBytes = parsed.MaxMemtableBytes ?? defaults.MaxMemtableBytes,
            SkipWalReplay = parsed.SkipWalReplay ?? defaults.SkipWalReplay,
            BlockCache = defaults.BlockCache with
            {
                DataCapacityBytes = parsed.BlockCacheDataBytes ?? defaults.BlockCache.DataCapacityBytes,
                MetaCapacityBytes = parsed.BlockCacheMetaBytes ?? defaults.BlockCache.MetaCapacityBytes,
            },
            WalObjectStore = OptionsJson.WalStore(parsed.WalStoreUrl),
            ObjectStoreCache = ObjectStoreCacheJson.ToOptions(parsed.ObjectStoreCacheOptions),
            LoggerFactory = loggerFactory,
        };
    }

    private static DbReaderMode ParseMode(string mode) => mode switch
    {
        "managed_checkpoint" => DbReaderMode.ManagedCheckpoint,
        "fixed_checkpoint" => DbReaderMode.FixedCheckpoint,
        "follow_latest" => DbReaderMode.FollowLatest,
        _ => ThrowHelper.Invalid<DbReaderMode>($"invalid options_json mode \"{mode}\": expected managed_checkpoint, fixed_checkpoint or follow_latest"),
    };
}
