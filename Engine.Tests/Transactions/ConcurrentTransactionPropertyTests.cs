using System.Collections.Concurrent;
using System.Text;
using SlateFast.ObjectStore;
using Xunit.Abstractions;

namespace SlateFast.Tests.Transactions;

/// <summary>
/// Concurrent random serializable transactions against a model that replays the committed ones
/// one at a time in sequence-number order: every value a committed transaction read must be what
/// the serial order had at that point, and the final contents must be the serial order's; a
/// rejected transaction must leave nothing.
/// </summary>
public sealed class ConcurrentTransactionPropertyTests(ITestOutputHelper output)
{
    private const int Workers = 4;
    private const int TransactionsPerWorker = 150;
    private const int KeyCount = 8;

    private sealed record Committed(ulong Seq, List<(string Key, string? Value)> Reads, List<(string Key, string? Value)> Writes);

    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    [Fact]
    public async Task Committed_serializable_transactions_equal_a_serial_run_in_sequence_order()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SLATEFAST_TEST_SEED"), out var pinned) ? pinned : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set SLATEFAST_TEST_SEED={seed} to replay the choices; thread timing still varies)");
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), new DbOptions { FlushInterval = TimeSpan.FromMilliseconds(5), L0SstSizeBytes = 8 * 1024 });
        var committed = new ConcurrentBag<Committed>();
        var rejectedValues = new ConcurrentBag<string>();
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(seed + worker);
            for (var t = 0; t < TransactionsPerWorker; t++)
            {
                await using var tx = db.BeginTransaction(IsolationLevel.SerializableSnapshot);
                var reads = new List<(string, string?)>();
                if (random.Next(4) == 0)
                {
                    await foreach (var kv in tx.ScanAsync(KeyRange.Prefix(B("k"))))
                    {
                        reads.Add((S(kv.Key)!, S(kv.Value)));
                    }

                    // A scan also reads every absent key of the range as absent.
                    var seen = reads.Select(r => r.Item1).ToHashSet();
                    reads.AddRange(Enumerable.Range(0, KeyCount).Select(k => $"k{k}").Where(k => !seen.Contains(k)).Select(k => (k, (string?)null)));
                }
                else
                {
                    foreach (var k in Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"k{random.Next(KeyCount)}").Distinct())
                    {
                        reads.Add((k, S(await tx.GetAsync(B(k)))));
                    }
                }

                // Without a yield a transaction reading from memtables runs start to commit
                // synchronously and never overlaps another.
                await Task.Yield();
                var writes = new List<(string, string?)>();
                foreach (var k in Enumerable.Range(0, random.Next(0, 3)).Select(_ => $"k{random.Next(KeyCount)}").Distinct())
                {
                    string? value = random.Next(5) == 0 ? null : $"w{worker}-t{t}-{k}";
                    if (value is null)
                    {
                        tx.Delete(B(k));
                    }
                    else
                    {
                        tx.Put(B(k), B(value));
                    }

                    writes.Add((k, value));
                }

                try
                {
                    var handle = await tx.CommitAsync(WriteOptions.NoWait);
                    if (handle is { } h)
                    {
                        committed.Add(new Committed(h.Seq, reads, writes));
                    }
                }
                catch (SlateFastException e) when (e.Kind == ErrorKind.Transaction)
                {
                    Interlocked.Increment(ref conflicts);
                    foreach (var (_, v) in writes)
                    {
                        if (v is not null)
                        {
                            rejectedValues.Add(v);
                        }
                    }
                }
            }
        })));

        var model = new Dictionary<string, string>();
        foreach (var tx in committed.OrderBy(c => c.Seq))
        {
            foreach (var (key, value) in tx.Reads)
            {
                Assert.True(model.GetValueOrDefault(key) == value, $"the transaction committed at seq {tx.Seq} read {key}={value ?? "(none)"}, the serial order has {model.GetValueOrDefault(key) ?? "(none)"}");
            }

            foreach (var (key, value) in tx.Writes)
            {
                if (value is null)
                {
                    model.Remove(key);
                }
                else
                {
                    model[key] = value;
                }
            }
        }

        var contents = new Dictionary<string, string>();
        await foreach (var kv in db.ScanAsync(KeyRange.All))
        {
            contents[S(kv.Key)!] = S(kv.Value)!;
        }

        Assert.Equal(model.OrderBy(p => p.Key), contents.OrderBy(p => p.Key));
        Assert.DoesNotContain(contents.Values, rejectedValues.Contains);
        Assert.Equal(0, db.RetainedConflictWrites);
        output.WriteLine($"{committed.Count} writing transactions committed, {conflicts} rejected");
        Assert.True(conflicts > 0, "the workload should contend");
    }
}
