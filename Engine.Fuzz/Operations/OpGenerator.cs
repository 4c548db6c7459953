using System.Text;

namespace SlateFast.Fuzz.Operations;

/// <summary>Random operation sequences from a seed; the same seed gives the same sequence.</summary>
internal sealed class OpGenerator(int seed)
{
    private static readonly string[] Writes = ["put", "put", "put", "delete", "merge", "merge"];
    private readonly int _totalWeight = OpCatalog.Kinds.Sum(k => k.Weight);

    public Random Random { get; } = new(seed);

    public OpSequence Sequence(int count)
    {
        var ops = new List<Op>(count);
        for (var i = 0; i < count; i++)
        {
            ops.Add(Next());
        }

        // A sequence always ends by checking everything, so late losses are caught.
        ops.Add(new Op { Kind = "check" });
        long[] sizes = [4096, 16 * 1024, 64 * 1024];
        return new OpSequence { Seed = seed, L0SstSizeBytes = sizes[Random.Next(sizes.Length)], Ops = ops };
    }

    public Op Next()
    {
        var pick = Random.Next(_totalWeight);
        foreach (var kind in OpCatalog.Kinds)
        {
            if (pick < kind.Weight)
            {
                return kind.Generate(this);
            }

            pick -= kind.Weight;
        }

        throw new InvalidOperationException("weights do not add up");
    }

    /// <summary>A key: mostly from a small set (so keys are overwritten), sometimes pathological.</summary>
    public string Key()
    {
        var r = Random.Next(100);
        byte[] key = r switch
        {
            < 72 => Encoding.ASCII.GetBytes($"k{Random.Next(40):d2}"),
            < 82 => Encoding.ASCII.GetBytes(new string('p', 300) + $"{Random.Next(8)}"),
            < 88 => Enumerable.Repeat((byte)0xFF, 1 + Random.Next(4)).ToArray(),
            < 92 => [0x00, (byte)Random.Next(3)],
            _ => RandomBytes(1 + Random.Next(8)),
        };
        return Convert.ToHexString(key);
    }

    public string Value()
    {
        var r = Random.Next(100);
        var length = r < 60 ? Random.Next(41) : r < 92 ? 100 + Random.Next(900) : 2000 + Random.Next(4000);
        return Convert.ToHexString(RandomBytes(length));
    }

    public Op Write(string? kind = null)
    {
        kind ??= Writes[Random.Next(Writes.Length)];
        return new Op
        {
            Kind = kind,
            Key = Key(),
            Value = kind == "delete" ? null : Value(),
            Durable = Random.Next(4) == 0,
        };
    }

    public Op Batch()
    {
        var rows = new List<Op>();
        for (var n = 1 + Random.Next(6); n > 0; n--)
        {
            rows.Add(Write() with { Durable = false });
        }

        return new Op { Kind = "batch", Items = rows, Durable = Random.Next(3) == 0 };
    }

    public Op Transaction()
    {
        var writes = new List<Op>();
        for (var n = Random.Next(4); n > 0; n--)
        {
            writes.Add(Write() with { Durable = false });
        }

        var reads = new List<string>();
        for (var n = Random.Next(3); n > 0; n--)
        {
            reads.Add(Key());
        }

        var concurrent = new List<Op>();
        for (var n = Random.Next(3) == 0 ? 1 + Random.Next(2) : 0; n > 0; n--)
        {
            concurrent.Add(Write() with { Durable = false });
        }

        var scan = Random.Next(4) == 0 ? Scan("scan") : null;
        return new Op
        {
            Kind = "txn",
            Serializable = Random.Next(2) == 0,
            Items = writes,
            Reads = reads.Count > 0 ? reads : null,
            Concurrent = concurrent.Count > 0 ? concurrent : null,
            Key = scan?.Key,
            End = scan?.End,
            Descending = scan?.Descending ?? false,
            Durable = Random.Next(3) == 0,
            Number = scan is null ? 0 : 1,
        };
    }

    /// <summary>A range: bounds from the key generator, either may be open (null).</summary>
    public Op Scan(string kind)
    {
        var a = Random.Next(5) == 0 ? null : Key();
        var b = Random.Next(5) == 0 ? null : Key();
        if (a is not null && b is not null && Convert.FromHexString(a).AsSpan().SequenceCompareTo(Convert.FromHexString(b)) > 0)
        {
            (a, b) = (b, a);
        }

        return new Op { Kind = kind, Key = a, End = b, Descending = Random.Next(2) == 0 };
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.NextBytes(bytes);
        return bytes;
    }
}
