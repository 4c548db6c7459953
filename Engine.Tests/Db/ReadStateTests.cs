using System.Text;
using SlateFast.ObjectStore;
using SlateFast.Testing;

namespace SlateFast.Tests.Db;

/// <summary>
/// A read consults one consistent pair of memtables and manifest (<c>ReadState</c>): never a
/// memtable next to the compacted rows of its own L0. Found by the operation fuzzer: a merge
/// operand still in a frozen memtable and its folded value in a sorted run share a sequence
/// number; the read kept the operand, dropped the folded value as a duplicate, and returned the
/// operand without its base.
/// </summary>
public sealed class ReadStateTests
{
    [Fact]
    public async Task A_memtable_whose_L0_landed_while_its_flush_failed_is_not_read_beside_the_compaction_of_that_L0()
    {
        var faults = new FaultInjectingObjectStore(new InMemoryObjectStore());
        var hold = new HoldNextUpload(faults);
        var options = new DbOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(5),
            MergeOperator = MergeOperators.Concat,
            GarbageCollector = null,
            Compactor = new() { Enabled = true },
        };
        await using var db = await DbHandle.OpenAsync("db", new RetryingObjectStore(hold, new RetryOptions { MaxAttempts = 1 }), options);
        var key = "k"u8.ToArray();
        await db.PutAsync(key, "base"u8.ToArray());
        await db.FlushAsync(FlushType.MemTable);
        await db.MergeAsync(key, "+op"u8.ToArray());

        // The next manifest version lands but its writer hears "connection reset": the flush keeps
        // its memtable and tries again later; hold that retry's L0 upload so it stays that way.
        var landed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        faults.Rule = (op, path) =>
        {
            if (op == "put-if-absent" && path.Contains("/manifest/", StringComparison.Ordinal) && landed.TrySetResult())
            {
                hold.Arm("/compacted/");
                return new Fault(FaultKind.ConnectionReset, AfterApply: true);
            }

            return null;
        };
        var flush = db.FlushAsync(FlushType.MemTable);
        await landed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        faults.Rule = null;
        await hold.Held.WaitAsync(TimeSpan.FromSeconds(30));

        // The compactor reads the landed version, folds the base and the operand into one value
        // at the operand's sequence number, and its manifest reaches reads while the memtable
        // holding the same operand is still frozen.
        await db.CompactAsync();
        Assert.Single(db.Memtables!.Frozen);

        Assert.Equal("base+op", Text(await db.GetAsync(key)));
        Assert.Equal(["k=base+op"], await ScanAsync(db));

        hold.Release();
        await flush.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CloseReason.None, db.CloseReason);
        Assert.Empty(db.Memtables!.Frozen);
        Assert.Equal("base+op", Text(await db.GetAsync(key)));
    }

    private static string? Text(byte[]? value) => value is null ? null : Encoding.ASCII.GetString(value);

    private static async Task<List<string>> ScanAsync(DbHandle db)
    {
        var rows = new List<string>();
        await using var iterator = db.ScanAsync(KeyRange.All);
        while (await iterator.NextAsync() is { } row)
        {
            rows.Add($"{Encoding.ASCII.GetString(row.Key)}={Encoding.ASCII.GetString(row.Value)}");
        }

        return rows;
    }

    /// <summary>Once armed, holds the first upload ("open-writer") under a path part until released.</summary>
    private sealed class HoldNextUpload(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _armed;

        public Task Held => _held.Task;

        public void Arm(string pathContains) => Volatile.Write(ref _armed, pathContains);

        public void Release() => _gate.TrySetResult();

        protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (operation == "open-writer" && Volatile.Read(ref _armed) is { } part && path.Contains(part, StringComparison.Ordinal)
                && Interlocked.CompareExchange(ref _armed, null, part) == part)
            {
                _held.TrySetResult();
                await _gate.Task.WaitAsync(cancellationToken);
            }

            return await call(cancellationToken);
        }
    }
}
