using SlateFast.TestHost;

namespace SlateFast.Tests.Crash;

/// <summary>
/// Judges a database reopened after a crash against what the killed writer reported. Failure
/// messages start with <paramref name="context"/>, which names the seed and round to replay.
/// </summary>
internal sealed class CrashVerifier(DbHandle db, string context)
{
    /// <summary>Keys found present, with their values: later rounds of a chain must still find them.</summary>
    public List<(byte[] Key, byte[] Value)> Present { get; } = [];

    /// <summary>Every acknowledged (or earlier confirmed) key is present with its value.</summary>
    public async Task AssertAllPresentAsync(IEnumerable<(byte[] Key, byte[] Value)> expected, string what)
    {
        foreach (var (key, value) in expected)
        {
            var got = await db.GetAsync(key);
            if (got is null || !got.AsSpan().SequenceEqual(value))
            {
                Assert.Fail($"{context}: {what} {Show(key)} is {(got is null ? "missing" : $"{Convert.ToHexString(got)} instead of {Convert.ToHexString(value)}")}");
            }
        }
    }

    /// <summary>
    /// Each task writes op n+1 only after op n returned, so per task the recovered ops are ops
    /// 0..k-1 and nothing after; an op (a batch) is wholly present or wholly absent. Ops the parent
    /// never heard of are probed too: at most one per task can exist (written, killed before printing).
    /// Returns the number of ops recovered beyond those reported.
    /// </summary>
    public async Task<int> AssertTaskPrefixesAsync(int seed, int tasks, IReadOnlyList<CrashRecord> reported, bool reportedMustExist)
    {
        var unreported = 0;
        for (var task = 0; task < tasks; task++)
        {
            var last = reported.Where(r => r.Task == task).Select(r => r.Op).DefaultIfEmpty(-1).Max();
            var gap = -1L;
            for (var n = 0L; n <= last + 3; n++)
            {
                var present = await OpPresenceAsync(seed, task, n);
                if (present && gap >= 0)
                {
                    Assert.Fail($"{context}: task {task} op {n} was recovered but its earlier op {gap} was not");
                }

                if (!present)
                {
                    gap = gap < 0 ? n : gap;
                    if (reportedMustExist && n <= last)
                    {
                        Assert.Fail($"{context}: task {task} op {n} was acknowledged as durable but is missing");
                    }
                }
                else if (n > last)
                {
                    unreported++;
                    if (n > last + 1)
                    {
                        Assert.Fail($"{context}: task {task} op {n} is present but the task never started it (last reported op {last})");
                    }
                }
            }
        }

        return unreported;
    }

    /// <summary>
    /// Non-durable commits: ordered by sequence number (the commit order), the recovered ones are
    /// the first k and nothing after a missing one; rows of one commit share its fate. Returns k.
    /// </summary>
    public async Task<int> AssertCommitPrefixAsync(IReadOnlyList<CrashRecord> commits)
    {
        var recovered = 0;
        ulong? firstMissing = null;
        foreach (var commit in commits.GroupBy(c => c.Seq!.Value).OrderBy(g => g.Key))
        {
            var found = 0;
            foreach (var row in commit)
            {
                var got = await db.GetAsync(row.Key);
                if (got is not null)
                {
                    found++;
                    if (!got.AsSpan().SequenceEqual(row.Value))
                    {
                        Assert.Fail($"{context}: commit {commit.Key} key {Show(row.Key)} has {Convert.ToHexString(got)} instead of {Convert.ToHexString(row.Value)}");
                    }
                }
            }

            var rows = commit.Count();
            if (found != 0 && found != rows)
            {
                Assert.Fail($"{context}: commit {commit.Key} is half recovered ({found} of {rows} rows)");
            }

            if (found == 0)
            {
                firstMissing ??= commit.Key;
            }
            else if (firstMissing is { } missing)
            {
                Assert.Fail($"{context}: commit {commit.Key} was recovered but the earlier commit {missing} was lost: not a prefix of the commit order");
            }
            else
            {
                recovered++;
            }
        }

        return recovered;
    }

    private async Task<bool> OpPresenceAsync(int seed, int task, long n)
    {
        var parts = CrashWorkload.PartsOf(seed, task, n);
        var found = new List<(byte[], byte[])>();
        for (var part = 0; part < parts; part++)
        {
            var key = CrashWorkload.Key(seed, task, n, part);
            var got = await db.GetAsync(key);
            if (got is null)
            {
                continue;
            }

            var expected = CrashWorkload.Value(key);
            if (!got.AsSpan().SequenceEqual(expected))
            {
                Assert.Fail($"{context}: {Show(key)} has {Convert.ToHexString(got)} instead of {Convert.ToHexString(expected)}");
            }

            found.Add((key, got));
        }

        if (found.Count != 0 && found.Count != parts)
        {
            Assert.Fail($"{context}: task {task} op {n} (a batch of {parts} keys) is half recovered: {found.Count} keys");
        }

        Present.AddRange(found);
        return found.Count == parts;
    }

    private static string Show(byte[] key) => System.Text.Encoding.UTF8.GetString(key);
}
