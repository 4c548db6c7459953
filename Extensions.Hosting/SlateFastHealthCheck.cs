using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SlateFast.Extensions.Hosting;

/// <summary>
/// Healthy while the database is open; otherwise the registration's failure status (Unhealthy
/// unless set) with why: not opened yet, closed, fenced by another writer, or closed by a
/// failed background task.
/// </summary>
internal sealed class SlateFastHealthCheck(ISlateFastDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        if (!database.IsOpened)
        {
            return Task.FromResult(new HealthCheckResult(failure, "the SlateFast database is not open yet: it opens when the host starts"));
        }

        var db = database.Handle;
        var data = new Dictionary<string, object>
        {
            ["path"] = db.Path,
            ["writer_epoch"] = db.WriterEpoch,
            ["close_reason"] = db.CloseReason.ToString(),
        };
        var result = db.CloseReason switch
        {
            CloseReason.None => HealthCheckResult.Healthy($"the SlateFast database {db.Path} is open", data),
            CloseReason.Fenced => new HealthCheckResult(failure, $"the SlateFast database {db.Path} is fenced: another writer opened it, and this process may no longer write; restart to open it again", data: data),
            CloseReason.Panic => new HealthCheckResult(failure, $"the SlateFast database {db.Path} closed itself after a background task failed (see the log); restart to open it again", data: data),
            _ => new HealthCheckResult(failure, $"the SlateFast database {db.Path} is closed", data: data),
        };
        return Task.FromResult(result);
    }
}
