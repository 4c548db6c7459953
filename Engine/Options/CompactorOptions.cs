namespace SlateFast;

/// <summary>
/// Settings of the compactor that runs inside the database process (and of
/// <c>slatefast compact</c>), with SlateDB 0.12's defaults for its size-tiered scheduler.
/// </summary>
public sealed record CompactorOptions
{
    /// <summary>Whether the database runs a compactor in its own process (default true). Off: an external compactor must drain L0.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often the compactor re-reads the manifest and schedules work (SlateDB: <c>poll_interval</c>, 5 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Output SSTs are cut at about this size (SlateDB: <c>max_sst_size</c>, 256 MiB).</summary>
    public long MaxSstSize { get; init; } = 256L * 1024 * 1024;

    /// <summary>Compactions that may run at once (SlateDB: <c>max_concurrent_compactions</c>, 4).</summary>
    public int MaxConcurrentCompactions { get; init; } = 4;

    /// <summary>Fewest L0 SSTs or similar-sized sorted runs compacted together (SlateDB: <c>min_compaction_sources</c>, 4).</summary>
    public int MinCompactionSources { get; init; } = 4;

    /// <summary>Most sources one compaction takes (SlateDB: <c>max_compaction_sources</c>, 8).</summary>
    public int MaxCompactionSources { get; init; } = 8;

    /// <summary>Sorted runs are "similar" when the larger is at most this many times the smaller (SlateDB: <c>include_size_threshold</c>, 4.0).</summary>
    public double SizeThreshold { get; init; } = 4.0;

    /// <summary>The scheduler; null: SlateDB's size-tiered rules with these options.</summary>
    internal Compacting.ICompactionScheduler? Scheduler { get; init; }

    internal void Validate()
    {
        Require(PollInterval > TimeSpan.Zero, nameof(PollInterval), PollInterval, "must be positive");
        Require(MaxSstSize >= 1024, nameof(MaxSstSize), MaxSstSize, "must be at least 1 KiB");
        Require(MaxConcurrentCompactions >= 1, nameof(MaxConcurrentCompactions), MaxConcurrentCompactions, "must be at least 1");
        Require(MinCompactionSources >= 2, nameof(MinCompactionSources), MinCompactionSources, "must be at least 2");
        Require(MaxCompactionSources >= MinCompactionSources, nameof(MaxCompactionSources), MaxCompactionSources, $"must be at least MinCompactionSources ({MinCompactionSources})");
        Require(SizeThreshold >= 1.0 && double.IsFinite(SizeThreshold), nameof(SizeThreshold), SizeThreshold, "must be a finite number >= 1");
    }

    private static void Require(bool condition, string option, object? value, string rule)
    {
        if (!condition)
        {
            ThrowHelper.Invalid($"invalid CompactorOptions.{option} ({value}): {rule}");
        }
    }
}
