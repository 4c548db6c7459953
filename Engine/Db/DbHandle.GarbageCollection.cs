using SlateFast.GarbageCollection;

namespace SlateFast;

public sealed partial class DbHandle
{
    private GarbageCollector? _gc;

    /// <summary>The in-process collector, when <see cref="DbOptions.GarbageCollector"/> enables one.</summary>
    internal GarbageCollector? GarbageCollector => _gc;

    private void StartGarbageCollector()
    {
        if (_options.GarbageCollector is { } gcOptions)
        {
            _gc = new GarbageCollector(_store, Path, gcOptions, _options.TimeProvider, _options.LoggerFactory, _walStore, _options.BlockTransformer);
            _gc.Start(OnLoopCrash);
        }
    }

    private async Task StopGarbageCollectorAsync()
    {
        if (Interlocked.Exchange(ref _gc, null) is { } gc)
        {
            await gc.DisposeAsync().ConfigureAwait(false);
        }
    }
}
