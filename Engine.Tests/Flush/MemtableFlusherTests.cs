using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SlateFast.Flush;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Testing;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Flush;

/// <summary>
/// The memtable flusher on its own, without a database: oldest first, never ahead of the WAL,
/// a manifest change that is idempotent, transient failures retried, permanent ones fatal.
/// </summary>
public sealed class MemtableFlusherTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public void Freezing_makes_the_active_memtable_the_newest_frozen_one_with_the_WAL_id_sealed_at_that_point()
    {
        var older = new SlateFast.Memtables.Memtable(1 << 16);
        var active = new SlateFast.Memtables.Memtable(1 << 16);
        active.Insert("k"u8, 1, 0, "v"u8, 0, 0);
        var fresh = new SlateFast.Memtables.Memtable(1 << 16);
        var set = new SlateFast.Db.MemtableSet(active, [older]);

        var result = MemtableFlusher.Freeze(set, 0, sealWal: () => 7, newMemtable: _ => fresh)!.Value;

        Assert.True(result.Froze);
        Assert.Null(result.Retired);
        Assert.Same(fresh, result.Set.Active);
        Assert.Collection(result.Set.Frozen, m => Assert.Same(active, m), m => Assert.Same(older, m));
        Assert.Equal(7UL, active.LastWalId);
        foreach (var m in new[] { older, active, fresh })
        {
            m.Release();
        }
    }

    [Fact]
    public void An_empty_active_memtable_is_kept_unless_a_row_needs_more_room_than_it_has()
    {
        var empty = new SlateFast.Memtables.Memtable(1 << 16);
        var set = new SlateFast.Db.MemtableSet(empty, []);
        var sealedWal = false;

        var kept = MemtableFlusher.Freeze(set, 100, () => { sealedWal = true; return 1; }, _ => throw new InvalidOperationException("no new memtable"));
        var bigger = new SlateFast.Memtables.Memtable(1 << 20);
        var replaced = MemtableFlusher.Freeze(set, 1 << 19, () => { sealedWal = true; return 1; }, _ => bigger)!.Value;

        Assert.Null(kept);
        Assert.False(sealedWal);
        Assert.False(replaced.Froze);
        Assert.Same(bigger, replaced.Set.Active);
        Assert.Same(empty, replaced.Retired);
        Assert.Empty(replaced.Set.Frozen);
        empty.Release();
        bigger.Release();
    }

    [Fact]
    public async Task Frozen_memtables_become_L0_SSTs_oldest_first_each_listed_newest_first_in_the_manifest()
    {
        var store = new InMemoryObjectStore();
        var host = new FakeHost();
        var older = Frozen(host, "a", 1, lastWalId: 1);
        var newer = Frozen(host, "b", 2, lastWalId: 2);
        host.LastWrittenWalId = 2;
        using var stop = new CancellationTokenSource();
        var loop = Flusher(store, host).RunAsync(stop.Token);

        await Task.WhenAll(older.Flushed.Task, newer.Flushed.Task).WaitAsync(Hang);

        Assert.Equal([older, newer], host.FlushedOrder);
        Assert.Equal(2, host.Manifest.L0.Length);
        Assert.Equal((2UL, 2UL), (host.Manifest.LastL0Seq, host.Manifest.ReplayAfterWalId));
        Assert.True(host.Frozen.IsEmpty);
        Assert.True(older.FlushTicket.IsCompleted);
        foreach (var view in host.Manifest.L0)
        {
            Assert.NotNull(await store.HeadAsync(DbPaths.CompactedSstPath("db", view.Sst.Id)));
        }

        await stop.CancelAsync();
        await loop.WaitAsync(Hang);
    }

    [Fact]
    public async Task A_memtable_waits_until_the_WAL_holds_all_its_rows()
    {
        var host = new FakeHost();
        var memtable = Frozen(host, "a", 1, lastWalId: 5);
        host.LastWrittenWalId = 4;
        using var stop = new CancellationTokenSource();
        var loop = Flusher(new InMemoryObjectStore(), host).RunAsync(stop.Token);

        // The flusher is waiting on the WAL: nothing committed yet, whatever it had time for.
        await Task.Yield();
        Assert.True(host.Manifest.L0.IsEmpty);

        host.LastWrittenWalId = 5;
        host.Progress.Notify();
        await memtable.Flushed.Task.WaitAsync(Hang);
        Assert.Single(host.Manifest.L0);

        await stop.CancelAsync();
        await loop.WaitAsync(Hang);
    }

    [Fact]
    public async Task A_transient_failure_is_tried_again_and_a_permanent_one_closes_the_database()
    {
        var faults = new FaultInjectingObjectStore(new InMemoryObjectStore());
        var failuresLeft = UploadRetry.MaxAttempts;
        faults.Rule = (op, path) => op == "open-writer" && Interlocked.Decrement(ref failuresLeft) >= 0 ? new Fault(FaultKind.SlowDown) : null;
        var host = new FakeHost { LastWrittenWalId = 1 };
        var memtable = Frozen(host, "a", 1, lastWalId: 1);
        using var stop = new CancellationTokenSource();
        var loop = Flusher(faults, host).RunAsync(stop.Token);

        // One upload's retries all failed, and the flusher tried the memtable again.
        await memtable.Flushed.Task.WaitAsync(Hang);
        Assert.Empty(host.Failures);
        await stop.CancelAsync();
        await loop.WaitAsync(Hang);

        faults.Rule = (op, _) => op == "open-writer" ? new Fault(FaultKind.Permanent) : null;
        var doomed = new FakeHost { LastWrittenWalId = 1 };
        Frozen(doomed, "b", 2, lastWalId: 1);
        await Flusher(faults, doomed).RunAsync(CancellationToken.None).WaitAsync(Hang);
        var (reason, _, _) = Assert.Single(doomed.Failures);
        Assert.Equal(CloseReason.Panic, reason);
    }

    [Fact]
    public void The_manifest_change_adds_the_L0_once_and_not_when_the_last_L0_sequence_number_covers_the_memtable()
    {
        var memtable = new SlateFast.Memtables.Memtable(1 << 16);
        Insert(memtable, "k", 7);
        memtable.LastWalId = 3;
        var sst = new CompactedSst(Ulid.NewUlid(TimeProvider.System, new Random(1)), SsTableInfoFor("k"), CompactedSst.CurrentFormatVersion);

        var added = MemtableFlusher.AddL0(ManifestState.Initial, memtable, sst, [], walEnabled: true, lastWrittenWalId: 4)!;
        Assert.Equal((7UL, 3UL, 4UL, 7UL), (added.LastL0Seq, added.ReplayAfterWalId, added.WalIdLastSeen, added.RecentSnapshotMinSeq));
        Assert.Null(MemtableFlusher.AddL0(added, memtable, sst, [], walEnabled: true, lastWrittenWalId: 4));

        // Compacted away already: the L0 is gone but the sequence number says its rows are in.
        Assert.Null(MemtableFlusher.AddL0(added with { L0 = [] }, memtable, sst, [], walEnabled: true, lastWrittenWalId: 4));

        // A snapshot older than the memtable bounds what compaction may drop.
        Assert.Equal(5UL, MemtableFlusher.AddL0(ManifestState.Initial, memtable, sst, [5], walEnabled: true, lastWrittenWalId: 4)!.RecentSnapshotMinSeq);
        memtable.Release();
    }

    private static MemtableFlusher Flusher(IObjectStore store, FakeHost host) =>
        new(store, "db", new DbOptions(), host, NullLogger.Instance);

    private static SlateFast.Memtables.Memtable Frozen(FakeHost host, string key, ulong seq, ulong lastWalId)
    {
        var memtable = new SlateFast.Memtables.Memtable(1 << 16);
        Insert(memtable, key, seq);
        memtable.LastWalId = lastWalId;
        host.Frozen = host.Frozen.Insert(0, memtable);
        return memtable;
    }

    private static void Insert(SlateFast.Memtables.Memtable memtable, string key, ulong seq) =>
        memtable.Insert(Encoding.ASCII.GetBytes(key), seq, RowFlags.Encode(RowKind.Value, false, false), "v"u8, 0, 0);

    private static SsTableInfo SsTableInfoFor(string key) => new() { FirstEntry = Encoding.ASCII.GetBytes(key) };

    private sealed class FakeHost : IFlushHost
    {
        private readonly Lock _lock = new();

        public ImmutableArray<SlateFast.Memtables.Memtable> Frozen { get; set; } = [];

        public ulong LastWrittenWalId { get; set; }

        public SlateFast.Threading.ProgressSignal Progress { get; } = new();

        public bool HasFailed => !Failures.IsEmpty;

        public ManifestState Manifest { get; private set; } = ManifestState.Initial;

        public List<SlateFast.Memtables.Memtable> FlushedOrder { get; } = [];

        public System.Collections.Concurrent.ConcurrentQueue<(CloseReason Reason, string Message, Exception? Cause)> Failures { get; } = new();

        public SlateFastException ClosedError() => new(ErrorKind.Closed, CloseReason.Panic, "failed");

        public Task WaitForL0RoomAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ulong[] SnapshotSeqs() => [];

        public SlateFast.Segments.SegmentRouter? Segments => null;

        public Ulid NewSstId()
        {
            lock (_lock)
            {
                return Ulid.NewUlid(TimeProvider.System, Random.Shared);
            }
        }

        public Task CommitAsync(Func<ManifestState, ManifestState?> change, SlateFast.Memtables.Memtable flushed, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                Manifest = change(Manifest) ?? Manifest;
                Frozen = Frozen.Remove(flushed);
            }

            return Task.CompletedTask;
        }

        public void Flushed(SlateFast.Memtables.Memtable memtable)
        {
            lock (_lock)
            {
                FlushedOrder.Add(memtable);
            }
        }

        public void Fail(CloseReason reason, string message, Exception? cause) => Failures.Enqueue((reason, message, cause));
    }
}
