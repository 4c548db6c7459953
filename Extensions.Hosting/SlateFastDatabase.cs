using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlateFast.ObjectStore;

namespace SlateFast.Extensions.Hosting;

/// <summary>
/// Owns the one <see cref="DbHandle"/> of the container: <see cref="SlateFastHostedService"/>
/// opens it at start and closes it at stop, and disposing the container closes it too, for a
/// host that failed to start after the database opened (the host then never calls stop).
/// </summary>
/// <remarks>
/// Opening reads and writes the object store, so it is asynchronous. A DI factory cannot await,
/// and blocking on the open there (sync over async) would hold a thread for seconds on S3 and
/// can deadlock under a synchronization context; the hosted service awaits it instead, before
/// any other hosted service starts.
/// </remarks>
internal sealed class SlateFastDatabase(
    IOptions<SlateFastOptions> options,
    ILoggerFactory? loggerFactory = null,
    IHostEnvironment? environment = null) : ISlateFastDatabase, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile DbHandle? _handle;

    public DbHandle Handle => _handle ?? throw new InvalidOperationException(
        "The SlateFast database opens when the host starts; it is not open yet. Services the host creates before it starts " +
        "(hosted services) should inject ISlateFastDatabase and read its Handle once started rather than inject DbHandle.");

    public bool IsOpened => _handle is not null;

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_handle is not null)
            {
                return;
            }

            // Reading Value runs the configuration reader: a bad setting surfaces here, at start.
            var settings = options.Value;
            var store = settings.ObjectStore ?? (settings.StoreUrl is { } url ? ObjectStores.FromUrl(url) : DefaultStore());
            var dbOptions = settings.DbOptions;
            if (dbOptions.LoggerFactory is null && loggerFactory is not null)
            {
                dbOptions = dbOptions with { LoggerFactory = loggerFactory };
            }

            if (dbOptions.WalObjectStore is null && settings.WalStoreUrl is { } walUrl)
            {
                dbOptions = dbOptions with { WalObjectStore = ObjectStores.FromUrl(walUrl) };
            }

            _handle = await DbHandle.OpenAsync(settings.Path, store, dbOptions, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the database (buffered WAL rows are written, then a final manifest); idempotent.</summary>
    public Task CloseAsync() => _handle?.CloseAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    // Without a store URL the database lives beside the application, as a development default;
    // a service in production names its store.
    private IObjectStore DefaultStore() =>
        ObjectStores.Local(environment?.ContentRootPath is { Length: > 0 } root ? root : AppContext.BaseDirectory);
}
