using Microsoft.Extensions.Logging;

namespace SlateFast.ObjectStore;

/// <summary>
/// Starts a whole streaming upload (an L0 flush, an ingested file's rewrite) over after a
/// transient store failure. <see cref="RetryingObjectStore"/> retries single requests, but a
/// streaming writer keeps none of the parts it sent, so only its producer can send them again.
/// </summary>
internal static class UploadRetry
{
    public const int MaxAttempts = 10;

    public static async Task<T> RunAsync<T>(Func<Task<T>> upload, Threading.Backoff backoff, ILogger log, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await upload().ConfigureAwait(false);
            }
            catch (ObjectStoreException e) when (e.IsTransient && attempt < MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                log.LogWarning("{What} failed ({Message}); starting it over (attempt {Next} of {Max})", what, e.Message, attempt + 1, MaxAttempts);
                await backoff.WaitAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
