using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Properties;

/// <summary>
/// Random histories of writes, memtable flushes and reopens against a sorted-dictionary model:
/// after every step a random range scan in both orders, a seek, and a snapshot taken at an
/// earlier step (checked against the model as it was then) all equal the model; at each reopen a
/// read-only open reads the same.
/// </summary>
public sealed class DbScanModelTests
{
    private const int MaxKey = 40;

    public abstract record Op;

    public sealed record Put(int Key, int Value) : Op;

    public sealed record Delete(int Key) : Op;

    public sealed record Batch(IReadOnlyList<(int Key, int? Value)> Rows) : Op
    {
        public override string ToString() => $"Batch [{string.Join(", ", Rows.Select(r => r.Value is { } v ? $"{r.Key}={v}" : $"{r.Key}=del"))}]";
    }

    public sealed record FlushMemtable : Op;

    public sealed record Reopen : Op;

    /// <summary>A history and the seed of the reads checked after each of its steps.</summary>
    public sealed record History(IReadOnlyList<Op> Ops, int ReadSeed)
    {
        public override string ToString() => $"read seed {ReadSeed}, {Ops.Count} ops";
    }

    private static Gen<Op> OpGen()
    {
        var key = Gen.Choose(0, MaxKey);
        return Gen.Frequency(
            (40, from k in key from v in Gen.Choose(0, 1_000_000) select (Op)new Put(k, v)),
            (12, from k in key select (Op)new Delete(k)),
            (8, from rows in Gen.ListOf(Gen.Zip(key, Gen.Frequency((3, Gen.Choose(0, 1000).Select(v => (int?)v)), (1, Gen.Constant<int?>(null))))).Where(r => r.Count > 0)
                select (Op)new Batch(rows.ToList())),
            (4, Gen.Constant<Op>(new FlushMemtable())),
            (2, Gen.Constant<Op>(new Reopen())));
    }

    internal static Arbitrary<History> Histories() =>
        (from ops in Gen.ListOf(OpGen()) from seed in Gen.Choose(0, int.MaxValue) select new History(ops.ToList(), seed)).ToArbitrary();

    private static byte[] Key(int k) => Encoding.ASCII.GetBytes($"key{k:d3}");

    // The value's size varies so memtables fill and freeze by themselves within a history.
    private static byte[] Value(int v) => [.. Encoding.ASCII.GetBytes($"v{v}"), .. new byte[v % 300]];

    private sealed record Bound(byte[]? Key, bool Inclusive)
    {
        public KeyBound ToKeyBound() => Key is null ? KeyBound.Unbounded : Inclusive ? KeyBound.Included(Key) : KeyBound.Excluded(Key);

        public override string ToString() => Key is null ? "unbounded" : $"{(Inclusive ? "incl" : "excl")} {Encoding.ASCII.GetString(Key)}";
    }

    // A key of the model or one sorting strictly between two of them (or past the last).
    private static byte[] RandomProbe(Random random)
    {
        var key = Key(random.Next(-1, MaxKey + 2));
        return random.Next(3) == 0 ? [.. key, (byte)'~'] : key;
    }

    private static Bound RandomBound(Random random) =>
        random.Next(5) == 0 ? new Bound(null, false) : new Bound(RandomProbe(random), random.Next(2) == 0);

    private static (Bound Start, Bound End) RandomRange(Random random)
    {
        var start = RandomBound(random);
        var end = RandomBound(random);
        return start.Key is not null && end.Key is not null && start.Key.AsSpan().SequenceCompareTo(end.Key) > 0 ? (end, start) : (start, end);
    }

    private static bool InRange((Bound Start, Bound End) range, byte[] key)
    {
        if (range.Start.Key is { } s)
        {
            var c = key.AsSpan().SequenceCompareTo(s);
            if (c < 0 || (c == 0 && !range.Start.Inclusive))
            {
                return false;
            }
        }

        if (range.End.Key is { } e)
        {
            var c = key.AsSpan().SequenceCompareTo(e);
            if (c > 0 || (c == 0 && !range.End.Inclusive))
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> Expected(SortedDictionary<int, int> model, Func<byte[], bool> include) =>
        [.. model.Where(kv => include(Key(kv.Key))).Select(kv => Show(Key(kv.Key), Value(kv.Value)))];

    // Values are "v<n>" and zero padding: the text, the length and a flag for a non-zero tail keep failures readable.
    private static string Show(byte[] key, byte[] value)
    {
        var text = value.AsSpan().IndexOf((byte)0) is var zero and >= 0 ? value.AsSpan(0, zero) : value;
        var tail = value.AsSpan(text.Length).ContainsAnyExcept((byte)0) ? " non-zero tail" : "";
        return $"{Encoding.ASCII.GetString(key)}={Encoding.ASCII.GetString(text)}/{value.Length}{tail}";
    }

    private static async Task<List<string>> Drain(DbIterator iterator, int limit = int.MaxValue)
    {
        var rows = new List<string>();
        await using (iterator)
        {
            while (rows.Count < limit && await iterator.NextAsync() is { } kv)
            {
                rows.Add(Show(kv.Key, kv.Value));
            }
        }

        return rows;
    }

    private static readonly ScanOptions Descending = new() { Order = IterationOrder.Descending };

    private static async Task CheckReads(Random random, Func<KeyRange, ScanOptions?, DbIterator> scan, Func<byte[], ValueTask<byte[]?>> get, SortedDictionary<int, int> model, string who)
    {
        var range = RandomRange(random);
        var keyRange = new KeyRange(range.Start.ToKeyBound(), range.End.ToKeyBound());
        var ascending = Expected(model, k => InRange(range, k));
        var where = $"{who}, range [{range.Start} .. {range.End}]";
        Assert.True(ascending.SequenceEqual(await Drain(scan(keyRange, null))), $"{where} ascending: expected [{string.Join(", ", ascending)}]");
        ascending.Reverse();
        Assert.True(ascending.SequenceEqual(await Drain(scan(keyRange, Descending))), $"{where} descending: expected [{string.Join(", ", ascending)}]");

        // The seek key lies inside the range: outside it a seek is invalid.
        var seek = RandomProbe(random);
        if (InRange(range, seek))
        {
            var down = random.Next(2) == 0;
            var target = seek;
            var expected = Expected(model, k => InRange(range, k) && (down ? k.AsSpan().SequenceCompareTo(target) <= 0 : k.AsSpan().SequenceCompareTo(target) >= 0));
            if (down)
            {
                expected.Reverse();
            }

            expected = [.. expected.Take(3)];
            var iterator = scan(keyRange, down ? Descending : null);

            // Sometimes the iterator has already returned a row before the (forward) seek.
            var all = down ? [.. Expected(model, k => InRange(range, k)).AsEnumerable().Reverse()] : Expected(model, k => InRange(range, k));
            if (random.Next(2) == 0 && all.Count > 0 && !expected.Contains(all[0]))
            {
                var first = await iterator.NextAsync();
                Assert.True(first is not null && Show(first.Key, first.Value) == all[0], $"{where} first row before seek: expected {all[0]}");
            }

            await iterator.SeekAsync(seek);
            var actual = await Drain(iterator, 3);
            Assert.True(expected.SequenceEqual(actual), $"{where} {(down ? "descending" : "ascending")} seek to {Encoding.ASCII.GetString(seek)}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
        }

        var probe = random.Next(0, MaxKey + 1);
        var value = await get(Key(probe));
        var want = model.TryGetValue(probe, out var v) ? Show(Key(probe), Value(v)) : "nothing";
        var got = value is null ? "nothing" : Show(Key(probe), value);
        Assert.True(want == got, $"{who}: get key{probe:d3} expected {want}, got {got}");
    }

    internal static async Task Run(History history, Func<IObjectStore> storeFactory)
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
        var random = new Random(history.ReadSeed);
        var store = storeFactory();
        var model = new SortedDictionary<int, int>();
        var snapshots = new List<(int Step, DbSnapshot Snapshot, SortedDictionary<int, int> Model)>();
        var db = await DbHandle.OpenAsync("scan-model", store, options);
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
                    case Batch b:
                        var batch = new WriteBatch();
                        foreach (var (k, v) in b.Rows)
                        {
                            if (v is { } value)
                            {
                                batch.Put(Key(k), Value(value));
                                model[k] = value;
                            }
                            else
                            {
                                batch.Delete(Key(k));
                                model.Remove(k);
                            }
                        }

                        await db.WriteAsync(batch, WriteOptions.NoWait);
                        break;
                    case FlushMemtable:
                        await db.FlushAsync(FlushType.MemTable);
                        break;
                    case Reopen:
                        // Snapshots belong to the handle; a clean close keeps every write.
                        DisposeAll(snapshots);
                        await db.CloseAsync();
                        await using (var reader = await DbHandle.OpenReadOnlyAsync("scan-model", store, options))
                        {
                            await CheckReads(random, reader.ScanAsync, k => reader.GetAsync(k), model, "read-only open");
                        }

                        db = await DbHandle.OpenAsync("scan-model", store, options);
                        break;
                }

                var current = db;
                await CheckReads(random, current.ScanAsync, k => current.GetAsync(k), model, "db");
                if (snapshots.Count > 0)
                {
                    var (at, snapshot, then) = snapshots[random.Next(snapshots.Count)];
                    await CheckReads(random, snapshot.ScanAsync, k => snapshot.GetAsync(k), then, $"snapshot of step {at}");
                }

                if (random.Next(3) == 0)
                {
                    if (snapshots.Count == 6)
                    {
                        var dropped = random.Next(snapshots.Count);
                        snapshots[dropped].Snapshot.Dispose();
                        snapshots.RemoveAt(dropped);
                    }

                    snapshots.Add((step, db.Snapshot(), new SortedDictionary<int, int>(model)));
                }
            }
        }
        catch (Exception e) when (e is not HistoryException)
        {
            var ops = string.Join("\n", history.Ops.Take(step).Select((o, i) => $"{i + 1}: {o}"));
            throw new HistoryException($"read seed {history.ReadSeed}, step {step} failed: {e.Message}\nhistory:\n{ops}", e);
        }
        finally
        {
            DisposeAll(snapshots);
            await db.CloseAsync();
        }
    }

    private static void DisposeAll(List<(int Step, DbSnapshot Snapshot, SortedDictionary<int, int> Model)> snapshots)
    {
        foreach (var s in snapshots)
        {
            s.Snapshot.Dispose();
        }

        snapshots.Clear();
    }

    private sealed class HistoryException(string message, Exception inner) : Exception(message, inner);

    [SeededProperty(MaxTest = 400)]
    public Property Random_histories_on_the_in_memory_store_scan_seek_and_snapshot_like_the_model() =>
        Prop.ForAll(Histories(), h => Run(h, () => new InMemoryObjectStore()).GetAwaiter().GetResult());

    [SeededProperty(MaxTest = 80)]
    public Property Random_histories_on_the_local_store_scan_seek_and_snapshot_like_the_model() =>
        Prop.ForAll(Histories(), h =>
        {
            using var folder = new Support.TempFolder("scan-model");
            Run(h, () => new LocalObjectStore(folder.Path)).GetAwaiter().GetResult();
        });

}

/// <summary>The same histories against the real S3-compatible server, fewer of them (each step is a network round trip).</summary>
[Collection(Support.S3ServerCollection.Name)]
public sealed class S3DbScanModelTests(Support.S3Server server)
{
    [SeededProperty(MaxTest = 15)]
    public Property Random_histories_on_the_s3_store_scan_seek_and_snapshot_like_the_model() =>
        Prop.ForAll(DbScanModelTests.Histories(), h =>
            DbScanModelTests.Run(h, () => server.CreateStore($"scan-model-{Guid.NewGuid():N}")).GetAwaiter().GetResult());
}
