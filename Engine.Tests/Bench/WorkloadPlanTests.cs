using SlateFast.Cli.Bench;

namespace SlateFast.Tests.Bench;

public sealed class WorkloadPlanTests
{
    private static readonly Comparer<byte[]> Bytewise = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));

    private static Workload Named(string name) => Workloads.All.Single(w => w.Name == name);

    private static SortedDictionary<byte[], int> Loaded(WorkloadPlan plan)
    {
        var rows = new SortedDictionary<byte[], int>(Bytewise);
        for (var i = 0; i < plan.Load.Count; i++)
        {
            rows[plan.Load.Key(i).ToArray()] = plan.Load.ValueOffset(i);
        }

        return rows;
    }

    [Fact]
    public void The_workload_list_covers_the_issue_in_one_place()
    {
        Assert.Equal(
            ["fillseq", "fillrandom", "overwrite", "readrandom", "readmissing", "seekrandom", "durable1", "durable16", "durable64", "mixzipf", "fillrandom-400", "readrandom-400"],
            Workloads.All.Select(w => w.Name));
        Assert.All(Workloads.All.Where(w => !w.Name.EndsWith("-400", StringComparison.Ordinal)), w => Assert.Equal((16, 100), (w.KeySize, w.ValueSize)));
        Assert.Equal((20, 400), (Named("readrandom-400").KeySize, Named("readrandom-400").ValueSize));
        Assert.Equal([1, 16, 64], Workloads.All.Where(w => w.Durable).Select(w => w.Writers));
    }

    [Fact]
    public void Plans_are_deterministic_for_a_seed()
    {
        var a = WorkloadPlan.Build(Named("mixzipf"), 0.01, seed: 5);
        var b = WorkloadPlan.Build(Named("mixzipf"), 0.01, seed: 5);
        var c = WorkloadPlan.Build(Named("mixzipf"), 0.01, seed: 6);

        Assert.Equal(a.Timed.Data, b.Timed.Data);
        Assert.Equal(a.Pool, b.Pool);
        Assert.NotEqual(a.Timed.Data, c.Timed.Data);
    }

    [Fact]
    public void Readrandom_expects_the_loaded_value_of_every_key_it_reads()
    {
        var plan = WorkloadPlan.Build(Named("readrandom"), 0.01);
        var loaded = Loaded(plan);

        Assert.Equal(plan.Load.Count, plan.WarmRows);
        for (var i = 0; i < plan.Timed.Count; i++)
        {
            Assert.Equal(OpKind.Get, plan.Timed.Kind(i));
            Assert.Equal(loaded[plan.Timed.Key(i).ToArray()], plan.Timed.ValueOffset(i));
        }
    }

    [Fact]
    public void Readmissing_reads_only_keys_that_were_never_loaded()
    {
        var plan = WorkloadPlan.Build(Named("readmissing"), 0.01);
        var loaded = Loaded(plan);

        for (var i = 0; i < plan.Timed.Count; i++)
        {
            Assert.False(loaded.ContainsKey(plan.Timed.Key(i).ToArray()));
            Assert.Equal(-1, plan.Timed.ValueOffset(i));
        }
    }

    [Fact]
    public void Seekrandom_expects_the_next_100_keys_in_bytewise_order()
    {
        var plan = WorkloadPlan.Build(Named("seekrandom"), 0.01);
        var sorted = Loaded(plan).ToArray();
        var position = sorted.Select((kv, i) => (kv.Key, i)).ToDictionary(p => p.Key, p => p.i, EqualityComparer<byte[]>.Create((a, b) => a.AsSpan().SequenceEqual(b), k => HashCode.Combine(k[0], k[1], k[2], k[3])));

        for (var i = 0; i < plan.Timed.Count; i++)
        {
            var p = position[plan.Timed.Key(i).ToArray()];
            var rows = Math.Min(Workload.ScanLength, sorted.Length - p);
            Assert.Equal(rows, plan.Timed.ExpectedRows(i));
            Assert.Equal(sorted[p + rows - 1].Key, plan.Timed.LastKey(i).ToArray());
            Assert.Equal(sorted[p + rows - 1].Value, plan.Timed.ValueOffset(i));
        }
    }

    [Fact]
    public void Overwrite_and_mix_verify_the_last_value_written_to_each_key()
    {
        foreach (var name in new[] { "overwrite", "mixzipf" })
        {
            var plan = WorkloadPlan.Build(Named(name), 0.01);
            var model = Loaded(plan);
            for (var i = 0; i < plan.Timed.Count; i++)
            {
                var key = plan.Timed.Key(i).ToArray();
                if (plan.Timed.Kind(i) == OpKind.Put)
                {
                    model[key] = plan.Timed.ValueOffset(i);
                }
                else
                {
                    Assert.Equal(model[key], plan.Timed.ValueOffset(i));
                }
            }

            Assert.True(plan.Verify.Count > 0);
            for (var i = 0; i < plan.Verify.Count; i++)
            {
                Assert.Equal(model[plan.Verify.Key(i).ToArray()], plan.Verify.ValueOffset(i));
            }
        }
    }

    [Fact]
    public void The_zipf_mix_is_about_half_reads_and_concentrated_on_few_keys()
    {
        var plan = WorkloadPlan.Build(Named("mixzipf"), 0.02);
        var reads = Enumerable.Range(0, plan.Timed.Count).Count(i => plan.Timed.Kind(i) == OpKind.Get);
        var distinct = Enumerable.Range(0, plan.Timed.Count).Select(i => Convert.ToHexString(plan.Timed.Key(i).Span)).Distinct().Count();

        Assert.InRange(reads / (double)plan.Timed.Count, 0.45, 0.55);
        Assert.True(distinct < plan.Timed.Count / 2, $"{distinct} distinct keys in {plan.Timed.Count} operations");
    }

    [Fact]
    public void Durable_plans_give_every_writer_its_own_distinct_keys_and_a_time_limit()
    {
        var plan = WorkloadPlan.Build(Named("durable16"), 0.01);
        var keys = Enumerable.Range(0, plan.Timed.Count).Select(i => Convert.ToHexString(plan.Timed.Key(i).Span)).ToHashSet();

        Assert.Equal(plan.Timed.Count, keys.Count);
        Assert.NotNull(plan.TimeLimit);
        Assert.Equal(0, plan.Timed.Slice(0, 16).Start);
        Assert.Equal(plan.Timed.Count, plan.Timed.Slice(15, 16).End);
        Assert.Equal(plan.Timed.Slice(3, 16).End, plan.Timed.Slice(4, 16).Start);
    }

    [Fact]
    public void Scales_parse_by_name_or_number_and_reject_nonsense()
    {
        Assert.Equal(0.01, Workloads.ParseScale("tiny"));
        Assert.Equal(2.5, Workloads.ParseScale("2.5"));
        Assert.Throws<SlateFast.Cli.UsageException>(() => Workloads.ParseScale("0"));
        Assert.Throws<SlateFast.Cli.UsageException>(() => Workloads.ParseScale("huge"));
        Assert.Throws<SlateFast.Cli.UsageException>(() => Workloads.Select("fillrandom,nope"));
    }
}
