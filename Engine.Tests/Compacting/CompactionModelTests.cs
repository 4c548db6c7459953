using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Compacting;

/// <summary>
/// Random histories of writes, memtable flushes, forced and scheduled compactions, snapshots and
/// reopens against a sorted-dictionary model: after every step a full scan and a point read equal
/// the model, and an older snapshot still reads the model as it was when it was taken.
/// </summary>
public sealed class CompactionModelTests
{
    private const int MaxKey = 30;

    public abstract record Op;

    public sealed record Put(int Key, int Value) : Op;

    public sealed record Delete(int Key) : Op;

    public sealed record FlushMemtable : Op;

    public sealed record ForceCompaction : Op;

    public sealed record ScheduledPass : Op;

    public sealed record TakeSnapshot : Op;

    public sealed record Reopen : Op;

    public sealed record History(IReadOnlyList<Op> Ops, int Seed)
    {
        public override string ToString() => $"seed {Seed}, {Ops.Count} ops";
    }

    private static Arbitrary<History> Histories()
    {
        var key = Gen.Choose(0, MaxKey);
        var op = Gen.Frequency(
            (40, from k in key from v in Gen.Choose(0, 100_000) select (Op)new Put(k, v)),
            (15, from k in key select (Op)new Delete(k)),
            (10, Gen.Constant<Op>(new FlushMemtable())),
            (3, Gen.Constant<Op>(new ForceCompaction())),
            (4, Gen.Constant<Op>(new ScheduledPass())),
            (4, Gen.Constant<Op>(new TakeSnapshot())),
            (2, Gen.Constant<Op>(new Reopen())));
        return (from ops in Gen.ListOf(op) from seed in Gen.Choose(0, int.MaxValue) select new History([.. ops], seed)).ToArbitrary();
    }

    private static byte[] Key(int k) => Encoding.ASCII.GetBytes($"key{k:d3}");

    // Values of varying size, so memtables freeze by themselves and outputs split into several SSTs.
    private static byte[] Value(int v) => [.. Encoding.ASCII.GetBytes($"v{v}"), .. new byte[v % 200]];

    private static string Show(byte[] key, byte[] value) => $"{Encoding.ASCII.GetString(key)}={value.Length}:{Encoding.ASCII.GetString(value.AsSpan(0, value.AsSpan().IndexOf((byte)0) is var z and >= 0 ? z : value.Length))}";

    private static List<string> Expected(SortedDictionary<int, int> model) => [.. model.Select(kv => Show(Key(kv.Key), Value(kv.Value)))];

    private static async Task<List<string>> Scan(Func<KeyRange, ScanOptions?, DbIterator> scan)
    {
        var rows = new List<string>();
        await using var it = scan(KeyRange.All, null);
        while (await it.NextAsync() is { } kv)
        {
            rows.Add(Show(kv.Key, kv.Value));
        }

        return rows;
    }

    internal static async Task Run(History history, IObjectStore store)
    {
        var options = new DbOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(5),
            L0SstSizeBytes = 4096,
            MinFilterKeys = 4,
            Compactor = new CompactorOptions { PollInterval = TimeSpan.FromHours(1), MaxSstSize = 2048, MinCompactionSources = 2, MaxCompactionSources = 4 },
        };
        var random = new Random(history.Seed);
        var model = new SortedDictionary<int, int>();
        var snapshots = new List<(int Step, DbSnapshot Snapshot, List<string> Rows)>();
        var db = await DbHandle.OpenAsync("model", store, options);
        var step = 0;
        try
        {
            foreach (var op in history.Ops)
            {
                step++;
                switch (op)
                {
                    case Put p:
                        await db.PutAsync(Key(p.Key), Value(p.Value), writeOptions: WriteOptions.NoWait);
                        model[p.Key] = p.Value;
                        break;
                    case Delete d:
                        await db.DeleteAsync(Key(d.Key), WriteOptions.NoWait);
                        model.Remove(d.Key);
                        break;
                    case FlushMemtable:
                        await db.FlushAsync(FlushType.MemTable);
                        break;
                    case ForceCompaction:
                        await db.CompactAsync();
                        break;
                    case ScheduledPass:
                        if (db.Compactor is { } compactor)
                        {
                            await compactor.RunPassAsync();
                        }

                        break;
                    case TakeSnapshot:
                        if (snapshots.Count == 4)
                        {
                            snapshots[0].Snapshot.Dispose();
                            snapshots.RemoveAt(0);
                        }

                        snapshots.Add((step, db.Snapshot(), Expected(model)));
                        break;
                    case Reopen:
                        foreach (var s in snapshots)
                        {
                            s.Snapshot.Dispose();
                        }

                        snapshots.Clear();
                        await db.CloseAsync();
                        db = await DbHandle.OpenAsync("model", store, options);
                        break;
                }

                var expected = Expected(model);
                var actual = await Scan(db.ScanAsync);
                Assert.True(expected.SequenceEqual(actual), $"scan: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
                var probe = random.Next(0, MaxKey + 1);
                var value = await db.GetAsync(Key(probe));
                Assert.Equal(model.TryGetValue(probe, out var v) ? Show(Key(probe), Value(v)) : null, value is null ? null : Show(Key(probe), value));
                if (snapshots.Count > 0)
                {
                    var (at, snapshot, rows) = snapshots[random.Next(snapshots.Count)];
                    var seen = await Scan(snapshot.ScanAsync);
                    Assert.True(rows.SequenceEqual(seen), $"snapshot of step {at}: expected [{string.Join(", ", rows)}], got [{string.Join(", ", seen)}]");
                }
            }
        }
        catch (Exception e) when (e is not HistoryException)
        {
            var ops = string.Join("\n", history.Ops.Take(step).Select((o, i) => $"{i + 1}: {o}"));
            throw new HistoryException($"seed {history.Seed}, step {step} failed: {e.Message}\nhistory:\n{ops}", e);
        }
        finally
        {
            foreach (var s in snapshots)
            {
                s.Snapshot.Dispose();
            }

            await db.CloseAsync();
        }
    }

    private sealed class HistoryException(string message, Exception inner) : Exception(message, inner);

    [SeededProperty(MaxTest = 150)]
    public Property Random_histories_with_compactions_read_like_the_model() =>
        Prop.ForAll(Histories(), h => Run(h, new InMemoryObjectStore()).GetAwaiter().GetResult());

    [SeededProperty(MaxTest = 30)]
    public Property Random_histories_with_compactions_on_the_local_store_read_like_the_model() =>
        Prop.ForAll(Histories(), h =>
        {
            using var folder = new Support.TempFolder("compaction-model");
            Run(h, new LocalObjectStore(folder.Path)).GetAwaiter().GetResult();
        });
}
