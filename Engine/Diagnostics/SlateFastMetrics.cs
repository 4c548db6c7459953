using System.Diagnostics.Metrics;

namespace SlateFast.Diagnostics;

/// <summary>
/// The process-wide <see cref="Meter"/> named "SlateFast" (visible with dotnet-counters). Instrument
/// names follow SlateDB's metric names under a "slatefast." prefix.
/// </summary>
public static class SlateFastMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SlateFast";

    /// <summary>The meter every SlateFast instrument belongs to.</summary>
    public static Meter Meter { get; } = new(MeterName, VersionInfo.Version);
}
