using System.Text.Json;

namespace SlateFast.Tests.Interop;

/// <summary>A checkpoint entry of a manifest.</summary>
public sealed record SlateDbCheckpointInfo(string Id, long ManifestId, long ExpireTimeS);

/// <summary>The latest manifest of a generated database, as the helper's own decoder saw it.</summary>
public sealed record SlateDbManifestSummary(
    long Id,
    long WriterEpoch,
    long CompactorEpoch,
    long ReplayAfterWalId,
    long WalIdLastSeen,
    ulong LastL0Seq,
    int L0Count,
    IReadOnlyList<int> SortedRunSstCounts,
    IReadOnlyList<SlateDbCheckpointInfo> Checkpoints)
{
    internal static SlateDbManifestSummary Parse(JsonElement m) => new(
        m.GetProperty("id").GetInt64(),
        m.GetProperty("writer_epoch").GetInt64(),
        m.GetProperty("compactor_epoch").GetInt64(),
        m.GetProperty("replay_after_wal_id").GetInt64(),
        m.GetProperty("wal_id_last_seen").GetInt64(),
        m.GetProperty("last_l0_seq").GetUInt64(),
        m.GetProperty("l0").GetInt32(),
        [.. m.GetProperty("sorted_runs").EnumerateArray().Select(sr => sr.GetProperty("ssts").GetInt32())],
        [.. m.GetProperty("checkpoints").EnumerateArray().Select(ParseCheckpoint)]);

    internal static SlateDbCheckpointInfo ParseCheckpoint(JsonElement c) => new(
        c.GetProperty("id").GetString()!,
        c.GetProperty("manifest_id").GetInt64(),
        c.TryGetProperty("expire_time_s", out var e) ? e.GetInt64() : 0);
}

/// <summary>
/// A database written by real SlateDB: where it is, the engine's own scan of it and, for the
/// `checkpoint` kind, the view at the checkpoint and the writer's state when it was taken.
/// </summary>
public sealed record SlateDbGenerated(
    string Kind,
    string Root,
    string DbPath,
    string Codec,
    int BlockSize,
    IReadOnlyList<SlateDbRow> Rows,
    string? MergeOperator,
    string? CheckpointId,
    IReadOnlyList<SlateDbRow> CheckpointRows,
    IReadOnlyList<SlateDbRow> WriterAtCheckpointRows,
    SlateDbManifestSummary Manifest,
    IReadOnlyList<string> Objects)
{
    /// <summary>Folder holding manifest/, wal/, compacted/ ...</summary>
    public string DbDirectory => Path.Combine(Root, DbPath);
}

/// <summary>What a <see cref="SlateDbWriteOp"/> does.</summary>
public enum SlateDbOpKind
{
    Put,
    Delete,
    Merge,
}

/// <summary>One line of `write` input: a put, a delete or a merge (Value = the operand).</summary>
public sealed record SlateDbWriteOp(SlateDbOpKind Kind, byte[] Key, byte[] Value)
{
    public static SlateDbWriteOp Put(byte[] key, byte[] value) => new(SlateDbOpKind.Put, key, value);

    public static SlateDbWriteOp Delete(byte[] key) => new(SlateDbOpKind.Delete, key, []);

    public static SlateDbWriteOp Merge(byte[] key, byte[] operand) => new(SlateDbOpKind.Merge, key, operand);

    internal string ToJsonLine()
    {
        var key = Convert.ToHexStringLower(Key);
        var value = Convert.ToHexStringLower(Value);
        return Kind switch
        {
            SlateDbOpKind.Put => $"{{\"key\":\"{key}\",\"value\":\"{value}\"}}",
            SlateDbOpKind.Delete => $"{{\"key\":\"{key}\",\"delete\":true}}",
            _ => $"{{\"key\":\"{key}\",\"merge\":\"{value}\"}}",
        };
    }
}

/// <summary>Sequence numbers SlateDB assigned to a `write` run.</summary>
public sealed record SlateDbWriteResult(int Ops, ulong? FirstSeq, ulong? LastSeq);

/// <summary>Answer of a held writer to one put: ok, or the engine's error kind (e.g. "Closed:Fenced") and message.</summary>
public sealed record SlateDbPutOutcome(bool Ok, string? ErrorKind, string? Message)
{
    internal static SlateDbPutOutcome Parse(string line)
    {
        if (line == "ok")
        {
            return new(true, null, null);
        }

        if (!line.StartsWith("error ", StringComparison.Ordinal))
        {
            throw new SlateDbNodeException($"hold-writer printed an unexpected line: {line}");
        }

        var rest = line["error ".Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? new(false, rest, "") : new(false, rest[..space], rest[(space + 1)..]);
    }
}
