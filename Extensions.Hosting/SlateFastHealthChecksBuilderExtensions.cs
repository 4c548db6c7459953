using Microsoft.Extensions.Diagnostics.HealthChecks;
using SlateFast.Extensions.Hosting;

// Beside .NET's own AddCheck extensions, for the same reason as AddSlateFast.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of the database <c>AddSlateFast</c> registered.</summary>
public static class SlateFastHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that is Healthy while the database is open and reports
    /// <paramref name="failureStatus"/> (Unhealthy by default) with the reason when it is not:
    /// not opened yet, closed, fenced by another writer, or closed after a background failure.
    /// </summary>
    /// <param name="builder">The health checks builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when the database is not open; null: Unhealthy.</param>
    /// <param name="tags">Tags to filter checks by (for example "ready").</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static IHealthChecksBuilder AddSlateFastCheck(this IHealthChecksBuilder builder, string name = "slatefast", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => new SlateFastHealthCheck(sp.GetRequiredService<ISlateFastDatabase>()), failureStatus, tags));
    }
}
