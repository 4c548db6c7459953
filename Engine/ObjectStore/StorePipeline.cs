namespace SlateFast.ObjectStore;

/// <summary>
/// The one place that decides which layers the engine puts around a caller's store: retries
/// (<see cref="RetryingObjectStore"/>), request metrics (<see cref="InstrumentedObjectStore"/>)
/// and, for a database with a disk cache, <see cref="DiskCachedObjectStore"/> outermost. A layer
/// the caller's decorator chain already has anywhere is not added again, so a caller's own
/// decorator around a retrying store is not retried twice.
/// </summary>
/// <remarks>
/// The disk cache goes outside the other two, so its hits are not counted as requests and its
/// misses are retried. A database's WAL store is never disk-cached: nothing reads a WAL object twice.
/// </remarks>
internal static class StorePipeline
{
    /// <summary>What the database at <paramref name="database"/> (writer, read-only handle, reader) reads and writes through; its request metrics carry the database's <c>db</c> tag.</summary>
    public static IObjectStore ForDatabase(IObjectStore store, string database, ObjectStoreCacheOptions? diskCache = null)
    {
        var pipeline = ForTool(store);
        if (!Has<InstrumentedObjectStore>(pipeline))
        {
            pipeline = new InstrumentedObjectStore(pipeline, database);
        }

        return diskCache is { Enabled: true } && !Has<DiskCachedObjectStore>(pipeline)
            ? new DiskCachedObjectStore(pipeline, diskCache) { OwnedByDatabase = true }
            : pipeline;
    }

    /// <summary>What tools without a database (admin, the WAL reader) use: retries only.</summary>
    public static IObjectStore ForTool(IObjectStore store) =>
        Has<RetryingObjectStore>(store) ? store : new RetryingObjectStore(store);

    /// <summary>Whether <paramref name="store"/> or any store it decorates is a <typeparamref name="T"/>.</summary>
    public static bool Has<T>(IObjectStore store)
        where T : IObjectStore
    {
        for (var s = store; ; s = ((ObjectStoreDecorator)s).Inner)
        {
            if (s is T)
            {
                return true;
            }

            if (s is not ObjectStoreDecorator)
            {
                return false;
            }
        }
    }
}
