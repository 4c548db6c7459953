using FsCheck;
using FsCheck.Fluent;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Properties;

/// <summary>
/// Random histories of writes, flushes and reopens against a sorted-dictionary model: after
/// every step, reads through the database equal the model.
/// </summary>
public sealed class DbModelTests
{
    public abstract record Op;

    public sealed record Put(int Key, int Value, bool Durable) : Op;

    public sealed record Delete(int Key) : Op;

    public sealed record Batch(IReadOnlyList<(int Key, int? Value)> Rows) : Op
    {
        public override string ToString() => $"Batch [{string.Join(", ", Rows.Select(r => r.Value is { } v ? $"{r.Key}={v}" : $"{r.Key}=del"))}]";
    }

    public sealed record FlushWal : Op;

    public sealed record FlushMemtable : Op;

    public sealed record Reopen : Op;

    private static Gen<Op> OpGen()
    {
        var key = Gen.Choose(0, 40);
        return Gen.Frequency(
            (40, from k in key from v in Gen.Choose(0, 1_000_000) from d in Gen.Elements(true, false) select (Op)new Put(k, v, d)),
            (10, from k in key select (Op)new Delete(k)),
            (8, from rows in Gen.ListOf(Gen.Zip(key, Gen.Frequency((3, Gen.Choose(0, 1000).Select(v => (int?)v)), (1, Gen.Constant<int?>(null))))).Where(r => r.Count > 0)
                select (Op)new Batch(rows.ToList())),
            (3, Gen.Constant<Op>(new FlushWal())),
            (3, Gen.Constant<Op>(new FlushMemtable())),
            (2, Gen.Constant<Op>(new Reopen())));
    }

    private static byte[] Key(int k) => System.Text.Encoding.ASCII.GetBytes($"key{k:d3}");

    // The value's size varies so memtables fill and freeze by themselves within a history.
    private static byte[] Value(int v) => [.. System.Text.Encoding.ASCII.GetBytes($"v{v}"), .. new byte[v % 300]];

    private static async Task Run(IReadOnlyList<Op> ops, Func<IObjectStore> storeFactory)
    {
        var options = new DbOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(5),
            L0SstSizeBytes = 4096,
            MaxUnflushedBytes = 64L << 20,

            // No compactor yet: L0 must not stall the flusher.
            L0MaxSsts = 10_000,
            MinFilterKeys = 4,
        };
        var store = storeFactory();
        var model = new SortedDictionary<int, int>();
        var db = await DbHandle.OpenAsync("model", store, options);
        var step = 0;
        try
        {
            foreach (var op in ops)
            {
                step++;
                switch (op)
                {
                    case Put p:
                        await db.PutAsync(Key(p.Key), Value(p.Value), writeOptions: p.Durable ? WriteOptions.Default : WriteOptions.NoWait);
                        model[p.Key] = p.Value;
                        break;
                    case Delete d:
                        await db.DeleteAsync(Key(d.Key), WriteOptions.NoWait);
                        model.Remove(d.Key);
                        break;
                    case Batch b:
                        var batch = new WriteBatch();
                        foreach (var (k, v) in b.Rows)
                        {
                            if (v is { } value)
                            {
                                batch.Put(Key(k), Value(value));
                            }
                            else
                            {
                                batch.Delete(Key(k));
                            }
                        }

                        await db.WriteAsync(batch, WriteOptions.NoWait);
                        foreach (var (k, v) in b.Rows)
                        {
                            if (v is { } value)
                            {
                                model[k] = value;
                            }
                            else
                            {
                                model.Remove(k);
                            }
                        }

                        break;
                    case FlushWal:
                        await db.FlushAsync();
                        break;
                    case FlushMemtable:
                        await db.FlushAsync(FlushType.MemTable);
                        break;
                    case Reopen:
                        // A clean close writes the WAL buffer, so nothing acknowledged or not is lost.
                        await db.CloseAsync();
                        db = await DbHandle.OpenAsync("model", store, options);
                        break;
                }

                await CheckAll(db, model);
            }
        }
        catch (Exception e) when (e is not HistoryException)
        {
            var history = string.Join("\n", ops.Take(step).Select((o, i) => $"{i + 1}: {o}"));
            throw new HistoryException($"step {step} failed: {e.Message}\nhistory:\n{history}", e);
        }
        finally
        {
            await db.CloseAsync();
        }
    }

    private sealed class HistoryException(string message, Exception inner) : Exception(message, inner);

    private static async Task CheckAll(DbHandle db, SortedDictionary<int, int> model)
    {
        for (var k = 0; k <= 40; k++)
        {
            var actual = await db.GetAsync(Key(k));
            if (model.TryGetValue(k, out var v))
            {
                Assert.True(actual is not null, $"key {k} is missing; model has {v}");
                Assert.Equal(Value(v), actual);
            }
            else
            {
                Assert.True(actual is null, $"key {k} should be absent");
            }
        }
    }

    private static Arbitrary<IReadOnlyList<Op>> Histories() => Gen.ListOf(OpGen()).Select(l => (IReadOnlyList<Op>)l.ToList()).ToArbitrary();

    [SeededProperty(MaxTest = 60)]
    public Property Random_histories_on_the_in_memory_store_match_the_model() =>
        Prop.ForAll(Histories(), ops => Run(ops, () => new InMemoryObjectStore()).GetAwaiter().GetResult());

    [SeededProperty(MaxTest = 20)]
    public Property Random_histories_on_the_local_store_match_the_model() =>
        Prop.ForAll(Histories(), ops =>
        {
            using var folder = new Support.TempFolder("model");
            Run(ops, () => new LocalObjectStore(folder.Path)).GetAwaiter().GetResult();
        });
}
