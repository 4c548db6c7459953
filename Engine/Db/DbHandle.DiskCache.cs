using Microsoft.Extensions.Logging;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast;

public sealed partial class DbHandle
{
    // The background preload of the disk cache; close waits for it after cancelling it.
    private Task _diskCachePreload = Task.CompletedTask;

    /// <summary>The background preload of the disk cache (completed when there is none).</summary>
    internal Task DiskCachePreload => _diskCachePreload;

    /// <summary>What the disk cache (<see cref="DbOptions.ObjectStoreCache"/>) served so far; null when it is off.</summary>
    public DiskCacheStats? DiskCacheStats => _store is DiskCachedObjectStore cache ? cache.Stats : null;

    /// <summary>
    /// Loads the SSTs <see cref="ObjectStoreCacheOptions.PreloadDiskCacheOnStartup"/> names into
    /// the disk cache in the background: L0 newest first, then (all SSTs) the sorted runs newest
    /// first, as SlateDB does. Reads do not wait for it.
    /// </summary>
    internal void StartDiskCachePreload()
    {
        if (_store is not DiskCachedObjectStore cache || _options.ObjectStoreCache.PreloadDiskCacheOnStartup is not { } level)
        {
            return;
        }

        var manifest = CurrentManifest;
        var views = level == PreloadLevel.AllSst
            ? manifest.ReadL0.Concat(manifest.ReadRuns.SelectMany(r => r.Ssts))
            : manifest.ReadL0;
        var paths = views.Select(v => DbPaths.CompactedSstPath(Path, manifest.ExternalDbs, v.Sst.Id)).Distinct().ToList();
        var token = _shutdown.Token;
        _diskCachePreload = Task.Run(async () =>
        {
            try
            {
                var bytes = await cache.PreloadAsync(paths, token).ConfigureAwait(false);
                _log.LogInformation("disk cache preloaded {Bytes} bytes of {Count} SSTs of {Path}", bytes, paths.Count, Path);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception e) when (Failures.IsExpected(e) || e is UnauthorizedAccessException)
            {
                // A cache that cannot load costs reads their speed, never their answers.
                _log.LogWarning("disk cache preload of {Path} stopped: {Message}", Path, e.Message);
            }
        }, CancellationToken.None);
    }
}
