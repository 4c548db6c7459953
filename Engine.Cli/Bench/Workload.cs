namespace SlateFast.Cli.Bench;

/// <summary>What a workload does in its timed phase.</summary>
internal enum WorkloadKind
{
    /// <summary>Non-durable puts of keys in ascending order.</summary>
    FillSequential,

    /// <summary>Non-durable puts of distinct keys in random order.</summary>
    FillRandom,

    /// <summary>Non-durable puts of uniformly random keys that already exist.</summary>
    Overwrite,

    /// <summary>Point reads of existing keys, uniformly random, after a flush and a warming scan.</summary>
    ReadRandom,

    /// <summary>Point reads of keys that do not exist.</summary>
    ReadMissing,

    /// <summary>A seek to a random existing key and a 100-row scan from there.</summary>
    SeekScan,

    /// <summary>Durable puts of distinct keys by N concurrent writers, for a fixed time.</summary>
    DurableWrite,

    /// <summary>One client alternating reads and non-durable writes 50/50, keys drawn from a Zipf distribution.</summary>
    ZipfMix,
}

/// <summary>
/// One benchmark workload. Sizes are for <c>--scale 1</c> and scale linearly; durable workloads
/// run for a time instead (<see cref="DurationFor"/>).
/// </summary>
/// <param name="Name">The name used on the command line and in reports.</param>
/// <param name="Kind">What the timed phase does.</param>
/// <param name="KeySize">Key bytes.</param>
/// <param name="ValueSize">Value bytes.</param>
/// <param name="BaseKeys">Keys loaded before the timed phase, or written by it for fills.</param>
/// <param name="BaseOps">Operations of the timed phase.</param>
/// <param name="Writers">Concurrent clients of the timed phase.</param>
/// <param name="Summary">One line for reports.</param>
internal sealed record Workload(string Name, WorkloadKind Kind, int KeySize, int ValueSize, long BaseKeys, long BaseOps, int Writers, string Summary)
{
    /// <summary>Rows in one scan of <see cref="WorkloadKind.SeekScan"/>.</summary>
    public const int ScanLength = 100;

    /// <summary>Exponent of the Zipf distribution of <see cref="WorkloadKind.ZipfMix"/> (YCSB's default).</summary>
    public const double ZipfTheta = 0.99;

    /// <summary>No workload goes below this many keys, so tiny scales still exercise bloom filters and several blocks.</summary>
    public const long MinKeys = 2_000;

    public bool Durable => Kind == WorkloadKind.DurableWrite;

    /// <summary>Whether the timed phase ends at a deadline rather than after a fixed count.</summary>
    public bool TimeLimited => Kind == WorkloadKind.DurableWrite;

    /// <summary>Whether keys are loaded, flushed to storage and warmed by a full scan before the timed phase.</summary>
    public bool ReadsLoadedData => Kind is WorkloadKind.ReadRandom or WorkloadKind.ReadMissing or WorkloadKind.SeekScan or WorkloadKind.ZipfMix;

    public long KeysFor(double scale) => Math.Max(MinKeys, (long)(BaseKeys * scale));

    public long OpsFor(double scale) => Kind switch
    {
        WorkloadKind.FillSequential or WorkloadKind.FillRandom => KeysFor(scale),
        WorkloadKind.SeekScan => Math.Max(MinKeys / 10, (long)(BaseOps * scale)),
        _ => Math.Max(MinKeys, (long)(BaseOps * scale)),
    };

    /// <summary>How long a durable workload runs: 5 s at scale 1, from 2 s (shorter runs time mostly start-up) to 15 s.</summary>
    public static TimeSpan DurationFor(double scale) => TimeSpan.FromSeconds(Math.Clamp(5 * scale, 2, 15));
}

/// <summary>The workload list shared by <c>slatefast bench</c> and the comparison harness.</summary>
internal static class Workloads
{
    private const long Keys = 500_000;

    public static IReadOnlyList<Workload> All { get; } =
    [
        new("fillseq", WorkloadKind.FillSequential, 16, 100, Keys, Keys, 1, "non-durable puts, ascending keys"),
        new("fillrandom", WorkloadKind.FillRandom, 16, 100, Keys, Keys, 1, "non-durable puts, random distinct keys"),
        new("overwrite", WorkloadKind.Overwrite, 16, 100, Keys, Keys, 1, "non-durable puts over existing keys, uniform"),
        new("readrandom", WorkloadKind.ReadRandom, 16, 100, Keys, Keys, 1, "point reads of existing keys, after flush, warm cache"),
        new("readmissing", WorkloadKind.ReadMissing, 16, 100, Keys, Keys, 1, "point reads of absent keys (bloom filters)"),
        new("seekrandom", WorkloadKind.SeekScan, 16, 100, Keys, 20_000, 1, "seek to a random key, then scan 100 rows"),
        new("durable1", WorkloadKind.DurableWrite, 16, 100, 0, 0, 1, "durable puts, 1 writer"),
        new("durable16", WorkloadKind.DurableWrite, 16, 100, 0, 0, 16, "durable puts, 16 concurrent writers"),
        new("durable64", WorkloadKind.DurableWrite, 16, 100, 0, 0, 64, "durable puts, 64 concurrent writers"),
        new("mixzipf", WorkloadKind.ZipfMix, 16, 100, Keys, Keys, 1, "50% reads / 50% non-durable writes, Zipf(0.99) keys"),
        new("fillrandom-400", WorkloadKind.FillRandom, 20, 400, Keys / 2, Keys / 2, 1, "fillrandom with 20-byte keys, 400-byte values"),
        new("readrandom-400", WorkloadKind.ReadRandom, 20, 400, Keys / 2, Keys / 2, 1, "readrandom with 20-byte keys, 400-byte values"),
    ];

    /// <summary>Named scales: tiny (tests), smoke (a quick comparison), default (about a minute of slatefast bench), full.</summary>
    public static double ParseScale(string text) => text switch
    {
        "tiny" => 0.01,
        "smoke" => 0.1,
        "default" => 1,
        "full" => 4,
        _ when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 && s <= 100 => s,
        _ => throw new UsageException($"--scale must be a number in (0, 100] or tiny|smoke|default|full, got '{text}'"),
    };

    /// <summary>The workloads named in a comma-separated list (all when null), in the canonical order.</summary>
    public static IReadOnlyList<Workload> Select(string? names)
    {
        if (string.IsNullOrWhiteSpace(names))
        {
            return All;
        }

        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = wanted.Where(n => All.All(w => w.Name != n)).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"unknown workload(s) {string.Join(", ", unknown)}; known: {string.Join(", ", All.Select(w => w.Name))}");
        }

        return All.Where(w => wanted.Contains(w.Name)).ToArray();
    }
}
