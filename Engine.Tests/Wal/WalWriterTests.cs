using System.Collections.Concurrent;
using System.Text;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Testing;
using SlateFast.Wal;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Wal;

/// <summary>
/// The WAL writer on its own, without a database: group commit into one object per seal, objects
/// written create-only in id order, durability tickets, fencing on an existing WAL id, and what a
/// failure does to the writers waiting.
/// </summary>
public sealed class WalWriterTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    // An interval no test waits for: the tests seal and kick themselves.
    private static readonly DbOptions Options = new() { FlushInterval = TimeSpan.FromHours(1) };

    [Fact]
    public async Task Rows_appended_until_a_seal_become_one_WAL_object_with_the_id_after_the_fence_and_share_one_ticket()
    {
        var store = new InMemoryObjectStore();
        var (wal, host, gate) = Create(store, fenceId: 5);
        DurabilityTicket ticket;
        lock (gate)
        {
            Append(wal, "a", 1);
            Append(wal, "b", 2);
            ticket = wal.Ticket;
            Append(wal, "c", 3);
            Assert.Same(ticket, wal.Ticket);
            Assert.Equal(6UL, wal.Seal());
            Assert.NotSame(ticket, wal.Ticket);
        }

        var loop = wal.RunAsync();
        await ticket.Task.WaitAsync(Hang);

        Assert.Equal(6UL, wal.LastWrittenId);
        Assert.Equal([3UL], host.Written);
        var contents = await WalObjects.ReadForReplayAsync(store, "db", 6, null, CancellationToken.None);
        Assert.Equal(["a@1", "b@2", "c@3"], Rows(contents!));
        await StopAsync(wal, host, gate, loop);
    }

    [Fact]
    public async Task Sealed_objects_are_written_strictly_in_id_order()
    {
        var recorder = new RecordingStore(new InMemoryObjectStore());
        var (wal, host, gate) = Create(recorder, fenceId: 0);
        var tickets = new List<DurabilityTicket>();
        lock (gate)
        {
            for (var i = 1; i <= 5; i++)
            {
                Append(wal, $"k{i}", (ulong)i);
                tickets.Add(wal.Ticket);
                wal.Seal();
            }
        }

        var loop = wal.RunAsync();
        await Task.WhenAll(tickets.Select(t => t.Task)).WaitAsync(Hang);

        Assert.Equal([1UL, 2, 3, 4, 5], recorder.WalIds);
        Assert.Equal(5UL, wal.LastWrittenId);
        await StopAsync(wal, host, gate, loop);
    }

    [Fact]
    public async Task Sealing_with_nothing_appended_writes_nothing_and_reports_the_last_sealed_id()
    {
        var recorder = new RecordingStore(new InMemoryObjectStore());
        var (wal, host, gate) = Create(recorder, fenceId: 9);
        lock (gate)
        {
            Assert.Equal(9UL, wal.Seal());
            Assert.Null(wal.SealForFlush());
            Append(wal, "k", 1);
            Assert.NotNull(wal.SealForFlush());
            Assert.Equal(10UL, wal.Seal());
            Assert.Equal(10UL, wal.LastSealedId);
        }

        var loop = wal.RunAsync();
        await StopAsync(wal, host, gate, loop);
        Assert.Equal([10UL], recorder.WalIds);
    }

    [Fact]
    public async Task The_loop_seals_and_writes_by_itself_every_flush_interval()
    {
        var store = new InMemoryObjectStore();
        var (wal, host, gate) = Create(store, fenceId: 0, Options with { FlushInterval = TimeSpan.FromMilliseconds(5) });
        var loop = wal.RunAsync();
        DurabilityTicket ticket;
        lock (gate)
        {
            Append(wal, "k", 1);
            ticket = wal.Ticket;
        }

        await ticket.Task.WaitAsync(Hang);
        Assert.Equal(1UL, wal.LastWrittenId);
        await StopAsync(wal, host, gate, loop);
    }

    [Fact]
    public async Task An_existing_WAL_object_with_the_next_id_fences_the_writer_and_its_rows_are_never_acknowledged()
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync(DbPaths.WalSstPath("db", 3), ReadOnlyMemory<byte>.Empty);
        var (wal, host, gate) = Create(store, fenceId: 2);
        var ticket = SealOne(wal, gate);

        await wal.RunAsync().WaitAsync(Hang);

        var (reason, message, _) = Assert.Single(host.Failures);
        Assert.Equal(CloseReason.Fenced, reason);
        Assert.Contains("already exists", message, StringComparison.Ordinal);
        Assert.False(ticket.IsCompleted);
        Assert.Equal(2UL, wal.LastWrittenId);
        Assert.Empty(host.Written);
        wal.Dispose();
    }

    [Fact]
    public async Task A_store_failure_fails_that_objects_writers_with_the_stores_error_and_closes_the_database()
    {
        var faults = new FaultInjectingObjectStore(new InMemoryObjectStore())
        {
            Rule = (op, path) => op == "put-if-absent" && path.Contains("/wal/", StringComparison.Ordinal) ? new Fault(FaultKind.Permanent) : null,
        };
        var (wal, host, gate) = Create(faults, fenceId: 0);
        var ticket = SealOne(wal, gate);

        await wal.RunAsync().WaitAsync(Hang);

        await Assert.ThrowsAsync<ObjectStoreException>(() => ticket.Task);
        var (reason, _, cause) = Assert.Single(host.Failures);
        Assert.Equal(CloseReason.Panic, reason);
        Assert.IsType<ObjectStoreException>(cause);
        wal.Dispose();
    }

    [Fact]
    public async Task Something_unexpected_thrown_while_writing_is_reported_as_a_crash_of_the_WAL_writer()
    {
        var (wal, host, gate) = Create(new ThrowingStore(new InMemoryObjectStore()), fenceId: 0);
        SealOne(wal, gate);

        await wal.RunAsync().WaitAsync(Hang);

        var (loop, error) = Assert.Single(host.Crashes);
        Assert.Equal("WAL writer", loop);
        Assert.IsType<InvalidOperationException>(error);
        wal.Dispose();
    }

    [Fact]
    public async Task A_clean_close_writes_what_was_sealed_and_then_the_loop_ends()
    {
        var recorder = new RecordingStore(new InMemoryObjectStore());
        var (wal, host, gate) = Create(recorder, fenceId: 0);
        var loop = wal.RunAsync();
        DurabilityTicket ticket;
        lock (gate)
        {
            Append(wal, "k", 1);
            ticket = wal.Ticket;
            wal.Seal();
            host.IsClosing = true;

            // Appended after the close sealed: never written.
            Append(wal, "late", 2);
        }

        wal.Kick();
        await loop.WaitAsync(Hang);
        Assert.True(ticket.IsCompleted);
        Assert.Equal([1UL], recorder.WalIds);
        wal.Dispose();
    }

    [Fact]
    public async Task After_the_database_failed_nothing_more_is_written()
    {
        var recorder = new RecordingStore(new InMemoryObjectStore());
        var (wal, host, gate) = Create(recorder, fenceId: 0);
        SealOne(wal, gate);

        host.HasFailed = true;
        await wal.RunAsync().WaitAsync(Hang);
        Assert.Empty(recorder.WalIds);

        var pending = new List<DurabilityTicket>();
        lock (gate)
        {
            wal.CollectPending(pending);
        }

        Assert.Equal(2, pending.Count);
        Assert.All(pending, t => Assert.False(t.IsCompleted));
        wal.Dispose();
    }

    [Fact]
    public async Task Writers_an_object_acknowledged_join_the_writers_already_waiting_in_the_next_object()
    {
        // Object 1 is held in flight while a second group commits behind it. When it lands, its
        // writers commit again at once; the next object must carry both groups, not the second alone.
        var held = new HoldingStore(new InMemoryObjectStore());
        var recorder = new RecordingStore(held);
        var (wal, host, gate) = Create(recorder, fenceId: 0, Options with { WalGatherFraction = 100, WalGatherMax = TimeSpan.FromSeconds(30) });
        var loop = wal.RunAsync();
        var first = CommitDurable(wal, gate, "a", 4, seq: 1);
        wal.Kick();
        await held.Entered.WaitAsync(Hang);
        var second = CommitDurable(wal, gate, "b", 4, seq: 5);

        var again = first.Task.ContinueWith(
            _ => CommitDurable(wal, gate, "c", 4, seq: 9),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        held.Release();
        await second.Task.WaitAsync(Hang);

        Assert.Same(second, await again);
        Assert.Equal([1UL, 2], recorder.WalIds);
        Assert.Equal(8, second.Waiters);
        await StopAsync(wal, host, gate, loop);
    }

    [Fact]
    public async Task Writers_that_do_not_come_back_delay_the_next_object_by_at_most_a_fraction_of_the_last_write()
    {
        var held = new HoldingStore(new InMemoryObjectStore());
        var (wal, host, gate) = Create(held, fenceId: 0, Options with { WalGatherFraction = 1 });
        var loop = wal.RunAsync();
        var first = CommitDurable(wal, gate, "a", 4, seq: 1);
        wal.Kick();
        await held.Entered.WaitAsync(Hang);
        var second = CommitDurable(wal, gate, "b", 1, seq: 5);
        held.Release();
        await first.Task.WaitAsync(Hang);

        // Nobody from the first group commits again: the second object is written all the same.
        await second.Task.WaitAsync(Hang);
        Assert.Equal(2UL, wal.LastWrittenId);
        await StopAsync(wal, host, gate, loop);
    }

    // Commits count durable writes, each one row; returns the ticket they wait on.
    private static DurabilityTicket CommitDurable(WalWriter wal, Lock gate, string prefix, int count, ulong seq)
    {
        lock (gate)
        {
            var ticket = wal.Ticket;
            for (var i = 0; i < count; i++)
            {
                Append(wal, $"{prefix}{i}", seq + (ulong)i);
                ticket.AddWaiter();
            }

            wal.Kick();
            return ticket;
        }
    }

    private static (WalWriter Wal, FakeHost Host, Lock Gate) Create(IObjectStore store, ulong fenceId, DbOptions? options = null)
    {
        var gate = new Lock();
        var host = new FakeHost();
        return (new WalWriter(store, "db", options ?? Options, gate, host, fenceId), host, gate);
    }

    // One row in one sealed object; returns the object's ticket.
    private static DurabilityTicket SealOne(WalWriter wal, Lock gate)
    {
        lock (gate)
        {
            Append(wal, "k", 1);
            var ticket = wal.Ticket;
            wal.Seal();
            return ticket;
        }
    }

    private static void Append(WalWriter wal, string key, ulong seq) =>
        wal.Append(new RowEntry(Encoding.ASCII.GetBytes(key), "v"u8, seq, RowKind.Value));

    private static async Task StopAsync(WalWriter wal, FakeHost host, Lock gate, Task loop)
    {
        lock (gate)
        {
            host.IsClosing = true;
        }

        wal.Kick();
        await loop.WaitAsync(Hang);
        wal.Dispose();
    }

    private static List<string> Rows(WalContents contents)
    {
        var rows = new List<string>();
        var iterator = new BlockIterator();
        foreach (var block in contents.Blocks)
        {
            iterator.Reset(block, contents.Format);
            for (var valid = iterator.SeekToFirst(); valid; valid = iterator.MoveNext())
            {
                rows.Add($"{Encoding.ASCII.GetString(iterator.Key)}@{iterator.Seq}");
            }
        }

        return rows;
    }

    private sealed class FakeHost : IWalHost
    {
        public bool IsClosing { get; set; }

        public bool HasFailed { get; set; }

        public ConcurrentQueue<ulong> Written { get; } = new();

        public ConcurrentQueue<(CloseReason Reason, string Message, Exception? Cause)> Failures { get; } = new();

        public ConcurrentQueue<(string Loop, Exception Error)> Crashes { get; } = new();

        public void WalWritten(ulong lastSeq) => Written.Enqueue(lastSeq);

        public void Fail(CloseReason reason, string message, Exception? cause)
        {
            HasFailed = true;
            Failures.Enqueue((reason, message, cause));
        }

        public void Crash(string loop, Exception error)
        {
            HasFailed = true;
            Crashes.Enqueue((loop, error));
        }
    }

    // Records the WAL ids of create-only writes, in the order they reach the store.
    private sealed class RecordingStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        private readonly ConcurrentQueue<ulong> _walIds = new();

        public List<ulong> WalIds => [.. _walIds];

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (operation == "put-if-absent" && path.Contains("/wal/", StringComparison.Ordinal))
            {
                _walIds.Enqueue(ulong.Parse(System.IO.Path.GetFileNameWithoutExtension(path), System.Globalization.CultureInfo.InvariantCulture));
            }

            return call(cancellationToken);
        }
    }

    // Holds the first WAL write until released, so a test can commit behind an object in flight.
    private sealed class HoldingStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _writes;

        public Task Entered => _entered.Task;

        public void Release() => _release.TrySetResult();

        protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (operation == "put-if-absent" && Interlocked.Increment(ref _writes) == 1)
            {
                _entered.TrySetResult();
                await _release.Task.ConfigureAwait(false);
            }

            return await call(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class ThrowingStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
            operation == "put-if-absent" ? throw new InvalidOperationException("a bug") : call(cancellationToken);
    }
}
