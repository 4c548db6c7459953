namespace SlateFast.Fuzz.Operations;

/// <summary>
/// What the database must hold: the state after every committed write, plus the commits since the
/// last point at which everything was durable, so that after a crash the recovered state can be
/// checked to be the durable state plus some prefix of those commits (in commit order).
/// </summary>
internal sealed class Model
{
    private readonly List<IReadOnlyList<Op>> _pending = [];
    private SortedDictionary<byte[], byte[]> _durable = New();

    /// <summary>The state after every committed write.</summary>
    public SortedDictionary<byte[], byte[]> State { get; private set; } = New();

    /// <summary>Commits that may be lost by a crash.</summary>
    public int Pending => _pending.Count;

    public static SortedDictionary<byte[], byte[]> New() => new(ByteArrayComparer.Instance);

    public static SortedDictionary<byte[], byte[]> Copy(SortedDictionary<byte[], byte[]> state) => new(state, ByteArrayComparer.Instance);

    /// <summary>One commit (a single write, a batch or a transaction): its rows, applied in order.</summary>
    public void Commit(IReadOnlyList<Op> rows)
    {
        foreach (var row in rows)
        {
            Apply(State, row);
        }

        _pending.Add(rows);
    }

    /// <summary>Everything committed so far is durable (a durable write or a flush returned).</summary>
    public void MarkDurable()
    {
        _durable = Copy(State);
        _pending.Clear();
    }

    /// <summary>
    /// After a crash: the number of pending commits the recovered state holds, or -1 when it is
    /// not the durable state plus a prefix of them. The model then becomes that state.
    /// </summary>
    public int Recover(SortedDictionary<byte[], byte[]> recovered)
    {
        var candidate = Copy(_durable);
        for (var k = 0; ; k++)
        {
            if (Same(candidate, recovered))
            {
                State = candidate;
                MarkDurable();
                return k;
            }

            if (k == _pending.Count)
            {
                return -1;
            }

            foreach (var row in _pending[k])
            {
                Apply(candidate, row);
            }
        }
    }

    public static void Apply(SortedDictionary<byte[], byte[]> state, Op row)
    {
        var key = Convert.FromHexString(row.Key!);
        switch (row.Kind)
        {
            case "put":
                state[key] = Convert.FromHexString(row.Value!);
                break;
            case "delete":
                state.Remove(key);
                break;
            case "merge":
                // The concat operator: the existing value (if any) followed by the operand.
                var operand = Convert.FromHexString(row.Value!);
                state[key] = state.TryGetValue(key, out var existing) ? [.. existing, .. operand] : operand;
                break;
            default:
                throw new InvalidOperationException($"not a write: {row.Kind}");
        }
    }

    public static bool Same(SortedDictionary<byte[], byte[]> a, SortedDictionary<byte[], byte[]> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Key.AsSpan().SequenceEqual(p.Second.Key) && p.First.Value.AsSpan().SequenceEqual(p.Second.Value));

    /// <summary>The first difference between an expected and an actual state, for messages.</summary>
    public static string Difference(SortedDictionary<byte[], byte[]> expected, SortedDictionary<byte[], byte[]> actual)
    {
        foreach (var (key, value) in expected)
        {
            if (!actual.TryGetValue(key, out var got))
            {
                return $"key {Hex(key)} missing (expected {value.Length} bytes); {expected.Count} keys expected, {actual.Count} found";
            }

            if (!got.AsSpan().SequenceEqual(value))
            {
                return $"key {Hex(key)} has {Hex(got)} instead of {Hex(value)}";
            }
        }

        foreach (var key in actual.Keys)
        {
            if (!expected.ContainsKey(key))
            {
                return $"key {Hex(key)} present but not expected";
            }
        }

        return "no difference";
    }

    public static string Hex(byte[] bytes) => bytes.Length <= 24 ? Convert.ToHexString(bytes) : $"{Convert.ToHexString(bytes.AsSpan(0, 12))}…({bytes.Length}B)";
}
