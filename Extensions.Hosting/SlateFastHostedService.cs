using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SlateFast.Extensions.Hosting;

/// <summary>
/// Ties the database to the host's lifetime. It opens in <see cref="StartingAsync"/>, which the
/// host runs before any hosted service's <c>StartAsync</c>, so every service (whatever order it
/// was registered in) finds it open; it closes in <see cref="StoppedAsync"/>, after every
/// service's <c>StopAsync</c>, so a service draining its work at stop can still write.
/// </summary>
internal sealed class SlateFastHostedService(SlateFastDatabase database, ILogger<SlateFastHostedService>? logger = null) : IHostedLifecycleService
{
    private readonly ILogger _log = logger ?? (ILogger)NullLogger.Instance;

    public Task StartingAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var close = database.CloseAsync();
        try
        {
            // The host's shutdown timeout bounds the wait; the close itself goes on, since
            // abandoning it half way would only leave more WAL to replay at the next open.
            await close.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _log.LogWarning("the SlateFast database had not finished closing when the host's shutdown timeout ran out; writes not yet durable may be lost");
        }
    }
}
