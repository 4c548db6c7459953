namespace SlateFast.Fuzz.Operations;

/// <summary>One kind of operation: how often the generator picks it, how it makes one, how it runs.</summary>
/// <param name="Name">The name in reproducer files.</param>
/// <param name="Weight">Relative frequency in generated sequences (0: only replayed, never generated).</param>
/// <param name="Generate">Makes a random instance.</param>
/// <param name="Execute">Runs it against the database and the model; throws <see cref="ModelMismatchException"/> on a disagreement.</param>
internal sealed record OpKind(string Name, int Weight, Func<OpGenerator, Op> Generate, Func<OpRunner, Op, Task> Execute);

/// <summary>
/// Every operation the fuzzer knows. To add one, add an entry here with an executor on
/// <see cref="OpRunner"/>; generation, shrinking, reproducer files and replay pick it up.
/// </summary>
internal static class OpCatalog
{
    public static readonly IReadOnlyList<OpKind> Kinds =
    [
        new("put", 20, g => g.Write("put"), (r, op) => r.WriteAsync(op)),
        new("delete", 6, g => g.Write("delete"), (r, op) => r.WriteAsync(op)),
        new("merge", 8, g => g.Write("merge"), (r, op) => r.WriteAsync(op)),
        new("batch", 6, g => g.Batch(), (r, op) => r.BatchAsync(op)),
        new("txn", 6, g => g.Transaction(), (r, op) => r.TransactionAsync(op)),
        new("get", 12, g => new Op { Kind = "get", Key = g.Key() }, (r, op) => r.GetAsync(op)),
        new("scan", 6, g => g.Scan("scan"), (r, op) => r.ScanAsync(op)),
        new("snapshot", 2, _ => new Op { Kind = "snapshot" }, (r, _) => r.SnapshotAsync()),
        new("snapshot-get", 3, g => new Op { Kind = "snapshot-get", Key = g.Key(), Number = g.Random.Next(1000) }, (r, op) => r.SnapshotGetAsync(op)),
        new("snapshot-scan", 2, g => g.Scan("snapshot-scan") with { Number = g.Random.Next(1000) }, (r, op) => r.SnapshotScanAsync(op)),
        new("snapshot-release", 1, g => new Op { Kind = "snapshot-release", Number = g.Random.Next(1000) }, (r, op) => r.SnapshotReleaseAsync(op)),
        new("flush-wal", 3, _ => new Op { Kind = "flush-wal" }, (r, _) => r.FlushWalAsync()),
        new("flush-memtable", 3, _ => new Op { Kind = "flush-memtable" }, (r, _) => r.FlushMemtableAsync()),
        new("gc", 2, _ => new Op { Kind = "gc" }, (r, _) => r.GarbageCollectAsync()),
        new("compact", 2, _ => new Op { Kind = "compact" }, (r, _) => r.CompactAsync()),
        new("checkpoint", 1, _ => new Op { Kind = "checkpoint" }, (r, _) => r.CheckpointAsync()),
        new("checkpoint-check", 1, g => new Op { Kind = "checkpoint-check", Number = g.Random.Next(1000) }, (r, op) => r.CheckpointCheckAsync(op)),
        new("reopen", 1, _ => new Op { Kind = "reopen" }, (r, _) => r.ReopenAsync()),
        new("crash", 2, _ => new Op { Kind = "crash" }, (r, _) => r.CrashAsync()),
        new("faults", 1, g => new Op { Kind = "faults", Number = 1 + g.Random.Next(15) }, (r, op) => r.FaultsAsync(op)),
        new("faults-off", 1, _ => new Op { Kind = "faults-off" }, (r, op) => r.FaultsAsync(op)),
        new("fail-wal", 1, g => g.Write("put") with { Kind = "fail-wal" }, (r, op) => r.FailWalAsync(op)),
        new("check", 1, _ => new Op { Kind = "check" }, (r, _) => r.CheckAllAsync()),
    ];

    private static readonly Dictionary<string, OpKind> s_byName = Kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public static OpKind Find(string name) =>
        s_byName.TryGetValue(name, out var kind) ? kind : throw new FormatException($"unknown operation kind '{name}'");
}

/// <summary>A disagreement between the database and the model: a finding.</summary>
internal sealed class ModelMismatchException(string message) : Exception(message);
