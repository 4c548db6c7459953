using System.Text.Json.Serialization;

namespace SlateFast.Cli.Bench;

/// <summary>What one engine did on one workload. Latencies are microseconds.</summary>
internal sealed record WorkloadResult
{
    public required string Workload { get; init; }

    public required string Engine { get; init; }

    public int Writers { get; init; } = 1;

    public long Ops { get; init; }

    public double Seconds { get; init; }

    public double OpsPerSecond => Seconds > 0 ? Ops / Seconds : 0;

    public double P50Us { get; init; }

    public double P99Us { get; init; }

    public double P999Us { get; init; }

    public double MeanUs { get; init; }

    public double MaxUs { get; init; }

    /// <summary>Key and value bytes the timed phase put.</summary>
    public long UserBytesWritten { get; init; }

    /// <summary>Bytes the engine wrote to storage during the timed phase and the flush after it.</summary>
    public long StorageBytesWritten { get; init; }

    /// <summary>How <see cref="StorageBytesWritten"/> was measured: "object-store" or "write-syscalls".</summary>
    public string StorageBytesSource { get; init; } = "object-store";

    public double? WriteAmplification => UserBytesWritten > 0 ? (double)StorageBytesWritten / UserBytesWritten : null;

    /// <summary>Object-store requests during the timed phase and the flush after it; null when the engine has no object store.</summary>
    public long? StoreRequests { get; init; }

    public double? RequestsPer1000Ops => StoreRequests is { } r && Ops > 0 ? r * 1000.0 / Ops : null;

    /// <summary>Peak resident memory of the process while the workload ran.</summary>
    public long PeakRssBytes { get; init; }

    /// <summary>Peak native memory the engine itself accounted for (SlateFast's memtables and buffers).</summary>
    public long? PeakNativeBytes { get; init; }

    /// <summary>Bytes of the pre-generated plan held by the process (part of <see cref="PeakRssBytes"/> for every engine).</summary>
    public long PlanBytes { get; init; }

    /// <summary>Reads, scans and row counts whose result was checked.</summary>
    public long Checked { get; init; }

    /// <summary>Checks that failed: a wrong, missing or unexpected value, row or count.</summary>
    public long Mismatches { get; init; }

    public string? FirstMismatch { get; init; }

    public string? Settings { get; init; }

    /// <summary>Parts the disk cache served over parts read through it in the timed phase, when one was on.</summary>
    public double? DiskCacheHitRatio { get; init; }

    /// <summary>
    /// Why the engine did not run this workload, when it lacks what the workload needs (a hash
    /// store has no ordered scans); null when it ran. Such a result is neither a measurement nor a failure.
    /// </summary>
    public string? NotApplicable { get; init; }

    public bool Correct => Mismatches == 0 && Checked > 0;
}

/// <summary>A whole run: where, when, how big, and every result.</summary>
internal sealed record BenchReport
{
    public required string Tool { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required double Scale { get; init; }

    public required string Machine { get; init; }

    public string? Store { get; init; }

    public Dictionary<string, string> Settings { get; init; } = [];

    public List<WorkloadResult> Results { get; init; } = [];
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(WorkloadResult))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
