using OpenTelemetry.Metrics;
using SlateFast.Diagnostics;

namespace SlateFast.Samples.OpenTelemetry;

/// <summary>The one line of wiring an application needs: subscribe the meter provider to SlateFast's meter.</summary>
public static class SlateFastTelemetry
{
    /// <summary>
    /// Collects every instrument of the <c>SlateFast</c> meter (docs/metrics.md lists them). The
    /// meter is process-wide, so one subscription covers every database the process opens.
    /// </summary>
    public static MeterProviderBuilder AddSlateFastInstrumentation(this MeterProviderBuilder builder) =>
        builder.AddMeter(SlateFastMetrics.MeterName);
}
