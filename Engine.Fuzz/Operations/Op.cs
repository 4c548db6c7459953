using System.Text.Json.Serialization;

namespace SlateFast.Fuzz.Operations;

/// <summary>
/// One step of an operation sequence, as written to reproducer files. Keys and values are hex so
/// binary and pathological keys survive JSON; fields a kind does not use stay null.
/// </summary>
internal sealed record Op
{
    /// <summary>The kind: a name from <see cref="OpCatalog"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The key (hex), for single-key kinds.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }

    /// <summary>The value or merge operand (hex).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Value { get; init; }

    /// <summary>The end key of a scan (hex), exclusive.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? End { get; init; }

    /// <summary>Writes await durability.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Durable { get; init; }

    /// <summary>Scans run descending.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Descending { get; init; }

    /// <summary>Transactions: serializable (SSI) rather than snapshot isolation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Serializable { get; init; }

    /// <summary>A snapshot or checkpoint index (taken modulo how many exist), or a fault rate in percent.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Number { get; init; }

    /// <summary>Batches: the rows; transactions: the writes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Op>? Items { get; init; }

    /// <summary>Transactions: keys read before writing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Reads { get; init; }

    /// <summary>Transactions: plain writes another client commits between the transaction's start and its commit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Op>? Concurrent { get; init; }

    /// <inheritdoc/>
    public override string ToString() => OpText.Describe(this);
}

/// <summary>A whole reproducer: the engine settings and the operations.</summary>
internal sealed record OpSequence
{
    /// <summary>The seed the sequence came from (informational once shrunk).</summary>
    public int Seed { get; init; }

    /// <summary>Memtable size that triggers L0 flushes.</summary>
    public long L0SstSizeBytes { get; init; } = 16 * 1024;

    /// <summary>What went wrong when the file was written.</summary>
    public string? Failure { get; init; }

    /// <summary>The operations, in order.</summary>
    public required List<Op> Ops { get; init; }
}

internal static class OpText
{
    public static string Describe(Op op)
    {
        var parts = new List<string> { op.Kind };
        if (op.Key is not null)
        {
            parts.Add(Short(op.Key));
        }

        if (op.End is not null)
        {
            parts.Add(".." + Short(op.End));
        }

        if (op.Value is not null)
        {
            parts.Add($"={op.Value.Length / 2}B");
        }

        if (op.Durable)
        {
            parts.Add("durable");
        }

        if (op.Descending)
        {
            parts.Add("desc");
        }

        if (op.Serializable)
        {
            parts.Add("ssi");
        }

        if (op.Number != 0)
        {
            parts.Add($"#{op.Number}");
        }

        if (op.Items is { } items)
        {
            parts.Add($"[{string.Join(", ", items.Select(Describe))}]");
        }

        if (op.Reads is { } reads)
        {
            parts.Add($"reads({string.Join(",", reads.Select(Short))})");
        }

        if (op.Concurrent is { } concurrent)
        {
            parts.Add($"concurrent[{string.Join(", ", concurrent.Select(Describe))}]");
        }

        return string.Join(' ', parts);
    }

    private static string Short(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var printable = bytes.All(b => b is >= 0x21 and < 0x7f);
        var text = printable ? System.Text.Encoding.ASCII.GetString(bytes) : "0x" + hex;
        return text.Length > 24 ? $"{text[..12]}…({bytes.Length}B)" : text;
    }
}
