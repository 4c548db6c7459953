using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.ObjectStore;

/// <summary>
/// The engine adds each of its store layers (retries, metrics, disk cache) exactly once, wherever
/// in the caller's decorator chain the caller already put one.
/// </summary>
public sealed class StorePipelineTests
{
    private sealed class CallerDecorator(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
            call(cancellationToken);
    }

    private static int Count<T>(IObjectStore store)
    {
        var n = 0;
        for (var s = store; ; s = ((ObjectStoreDecorator)s).Inner)
        {
            n += s is T ? 1 : 0;
            if (s is not ObjectStoreDecorator)
            {
                return n;
            }
        }
    }

    [Fact]
    public void A_bare_store_gets_retries_metrics_and_the_disk_cache_once_each()
    {
        using var folder = new TempFolder("pipeline");
        var store = StorePipeline.ForDatabase(new InMemoryObjectStore(), "db", new ObjectStoreCacheOptions { RootFolder = folder.Path });
        Assert.IsType<DiskCachedObjectStore>(store);
        Assert.Equal(1, Count<RetryingObjectStore>(store));
        Assert.Equal(1, Count<InstrumentedObjectStore>(store));
        (store as IDisposable)?.Dispose();
    }

    [Fact]
    public void A_callers_decorator_around_a_retrying_store_is_not_retried_twice()
    {
        var callers = new CallerDecorator(new RetryingObjectStore(new InMemoryObjectStore()));
        var store = StorePipeline.ForDatabase(callers, "db");
        Assert.Equal(1, Count<RetryingObjectStore>(store));
        Assert.Equal(1, Count<InstrumentedObjectStore>(store));
        Assert.Same(callers, StorePipeline.ForTool(callers));
    }
}
