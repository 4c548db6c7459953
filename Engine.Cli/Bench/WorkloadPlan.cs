namespace SlateFast.Cli.Bench;

/// <summary>
/// Every operation of one workload run, generated before anything is timed: the rows loaded
/// first, the timed operations (split into one contiguous slice per client) with the result each
/// read must return, and the reads that verify the database afterwards. Values are slices of a
/// random pool (as in db_bench), identified by their offset, so an expected value is an offset.
/// The same plan drives every engine: in process for SlateFast and RocksDB, and serialised for
/// the Node driver of SlateDB (<see cref="PlanFile"/>).
/// </summary>
internal sealed class WorkloadPlan
{
    public const int PoolSize = 1 << 20;

    /// <summary>Verification reads after fills and overwrites (a sample: reads are timed elsewhere).</summary>
    public const int VerifySample = 10_000;

    /// <summary>Durable workloads get enough planned writes for this rate over their duration.</summary>
    public const int DurableBudgetPerSecond = 120_000;

    public required Workload Workload { get; init; }

    public required double Scale { get; init; }

    public required int Seed { get; init; }

    public required byte[] Pool { get; init; }

    /// <summary>Rows written (in batches, not timed) before the timed phase.</summary>
    public required OpList Load { get; init; }

    public required OpList Timed { get; init; }

    /// <summary>Reads checked after the timed phase (for time-limited plans they are derived from what was written).</summary>
    public required OpList Verify { get; init; }

    /// <summary>Rows a full scan must count after the load, or -1 when the plan does not flush and warm.</summary>
    public required long WarmRows { get; init; }

    public required TimeSpan? TimeLimit { get; init; }

    public bool TimeLimited => TimeLimit is not null;

    /// <summary>
    /// Leading timed operations run once, untimed and unchecked, before timing starts, so JIT
    /// tiering (for .NET engines) and first-touch costs do not land in the measurement. Only for
    /// pure-read workloads, where replaying reads changes nothing.
    /// </summary>
    public int WarmupOps => Workload.Kind switch
    {
        WorkloadKind.ReadRandom or WorkloadKind.ReadMissing => Math.Min(Timed.Count, 20_000),
        WorkloadKind.SeekScan => Math.Min(Timed.Count, 2_000),
        _ => 0,
    };

    public int Writers => Workload.Writers;

    public int KeySize => Workload.KeySize;

    public int ValueSize => Workload.ValueSize;

    public ReadOnlyMemory<byte> Value(int offset) => Pool.AsMemory(offset, ValueSize);

    /// <summary>Bytes of keys and values the timed phase writes (for write amplification).</summary>
    public long TimedUserBytes(long completedPuts) => completedPuts * (KeySize + ValueSize);

    public long MemoryBytes => Pool.LongLength + Load.Data.LongLength + Timed.Data.LongLength + Verify.Data.LongLength;

    public static WorkloadPlan Build(Workload workload, double scale, int seed = 42)
    {
        var builder = new Builder(workload, scale, seed);
        return builder.Build();
    }

    private sealed class Builder(Workload workload, double scale, int seed)
    {
        private readonly ulong _keySeed = BenchKeys.Mix64((ulong)seed);
        private readonly ulong _valueSeed = BenchKeys.Mix64((ulong)seed + 1);
        private readonly Random _random = new(seed ^ StableHash(workload.Name));
        private int[] _last = [];

        public WorkloadPlan Build()
        {
            var pool = GC.AllocateUninitializedArray<byte>(PoolSize, pinned: true);
            new Random(seed).NextBytes(pool);
            var keys = workload.KeysFor(scale);
            var ops = workload.OpsFor(scale);
            TimeSpan? limit = workload.TimeLimited ? Workload.DurationFor(scale) : null;
            var loads = workload.Kind is WorkloadKind.FillSequential or WorkloadKind.FillRandom or WorkloadKind.DurableWrite ? 0 : keys;
            var load = new OpList(workload.KeySize, false, checked((int)loads));
            _last = new int[loads];
            for (var i = 0; i < loads; i++)
            {
                RandomKey(load.KeySpan(i), i);
                _last[i] = ValueOffset(i, 0);
                load.SetHeader(i, OpKind.Put, _last[i]);
            }

            OpList timed;
            OpList verify;
            switch (workload.Kind)
            {
                case WorkloadKind.FillSequential:
                case WorkloadKind.FillRandom:
                    timed = new OpList(workload.KeySize, false, checked((int)keys));
                    _last = new int[keys];
                    for (var i = 0; i < keys; i++)
                    {
                        if (workload.Kind == WorkloadKind.FillSequential)
                        {
                            BenchKeys.Sequential(timed.KeySpan(i), i);
                        }
                        else
                        {
                            RandomKey(timed.KeySpan(i), i);
                        }

                        _last[i] = ValueOffset(i, 0);
                        timed.SetHeader(i, OpKind.Put, _last[i]);
                    }

                    verify = SampleReads(keys, sequential: workload.Kind == WorkloadKind.FillSequential);
                    break;

                case WorkloadKind.Overwrite:
                    timed = new OpList(workload.KeySize, false, checked((int)ops));
                    for (var j = 0; j < ops; j++)
                    {
                        var i = _random.NextInt64(keys);
                        RandomKey(timed.KeySpan(j), i);
                        _last[i] = ValueOffset(i, j + 1);
                        timed.SetHeader(j, OpKind.Put, _last[i]);
                    }

                    verify = SampleReads(keys, sequential: false);
                    break;

                case WorkloadKind.ReadRandom:
                    timed = new OpList(workload.KeySize, false, checked((int)ops));
                    for (var j = 0; j < ops; j++)
                    {
                        var i = _random.NextInt64(keys);
                        RandomKey(timed.KeySpan(j), i);
                        timed.SetHeader(j, OpKind.Get, _last[i]);
                    }

                    verify = new OpList(workload.KeySize, false, 0);
                    break;

                case WorkloadKind.ReadMissing:
                    timed = new OpList(workload.KeySize, false, checked((int)ops));
                    for (var j = 0; j < ops; j++)
                    {
                        // Indexes at or above the loaded count hash to keys that were never written.
                        RandomKey(timed.KeySpan(j), keys + _random.NextInt64(keys));
                        timed.SetHeader(j, OpKind.Get, -1);
                    }

                    verify = new OpList(workload.KeySize, false, 0);
                    break;

                case WorkloadKind.SeekScan:
                    timed = SeekScans(keys, ops);
                    verify = new OpList(workload.KeySize, false, 0);
                    break;

                case WorkloadKind.ZipfMix:
                    timed = new OpList(workload.KeySize, false, checked((int)ops));
                    var zipf = new ZipfGenerator(keys, Workload.ZipfTheta);
                    for (var j = 0; j < ops; j++)
                    {
                        var i = zipf.Next(_random);
                        RandomKey(timed.KeySpan(j), i);
                        if (_random.Next(2) == 0)
                        {
                            timed.SetHeader(j, OpKind.Get, _last[i]);
                        }
                        else
                        {
                            _last[i] = ValueOffset(i, j + 1);
                            timed.SetHeader(j, OpKind.Put, _last[i]);
                        }
                    }

                    verify = SampleReads(keys, sequential: false);
                    break;

                case WorkloadKind.DurableWrite:
                    var budget = (int)Math.Max(1_000, DurableBudgetPerSecond * limit!.Value.TotalSeconds);
                    timed = new OpList(workload.KeySize, false, budget);
                    for (var j = 0; j < budget; j++)
                    {
                        RandomKey(timed.KeySpan(j), j);
                        timed.SetHeader(j, OpKind.Put, ValueOffset(j, 0));
                    }

                    verify = new OpList(workload.KeySize, false, 0);
                    break;

                default:
                    throw new InvalidOperationException($"unknown workload kind {workload.Kind}");
            }

            return new WorkloadPlan
            {
                Workload = workload,
                Scale = scale,
                Seed = seed,
                Pool = pool,
                Load = load,
                Timed = timed,
                Verify = verify,
                WarmRows = workload.ReadsLoadedData ? loads : -1,
                TimeLimit = limit,
            };
        }

        private void RandomKey(Span<byte> key, long index) => BenchKeys.Random(key, index, _keySeed);

        private int ValueOffset(long index, long version) =>
            (int)(BenchKeys.Mix64(((ulong)index << 24) ^ (ulong)version ^ _valueSeed) % (ulong)(PoolSize - workload.ValueSize + 1));

        private OpList SampleReads(long keys, bool sequential)
        {
            var n = (int)Math.Min(keys, VerifySample);
            var verify = new OpList(workload.KeySize, false, n);
            for (var j = 0; j < n; j++)
            {
                var i = n == keys ? j : _random.NextInt64(keys);
                if (sequential)
                {
                    BenchKeys.Sequential(verify.KeySpan(j), i);
                }
                else
                {
                    RandomKey(verify.KeySpan(j), i);
                }

                verify.SetHeader(j, OpKind.Get, _last[i]);
            }

            return verify;
        }

        private OpList SeekScans(long keys, long ops)
        {
            // Key order is the order of the 8-byte prefixes, so sorting those gives every scan's rows.
            var order = new long[keys];
            var prefixes = new ulong[keys];
            for (var i = 0; i < keys; i++)
            {
                order[i] = i;
                prefixes[i] = BenchKeys.RandomPrefix(i, _keySeed);
            }

            Array.Sort(prefixes, order);
            var timed = new OpList(workload.KeySize, true, checked((int)ops));
            for (var j = 0; j < ops; j++)
            {
                var p = _random.NextInt64(keys);
                var rows = (int)Math.Min(Workload.ScanLength, keys - p);
                RandomKey(timed.KeySpan(j), order[p]);
                RandomKey(timed.LastKeySpan(j), order[p + rows - 1]);
                timed.SetHeader(j, OpKind.Scan, _last[order[p + rows - 1]], rows);
            }

            return timed;
        }

        private static int StableHash(string s)
        {
            var h = 17;
            foreach (var c in s)
            {
                h = (h * 31) + c;
            }

            return h;
        }
    }
}
