using System.Diagnostics;
using SlateFast.Diagnostics;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Format.Rows;

namespace SlateFast.Wal;

/// <summary>What a <see cref="WalWriter"/> needs from the database it writes for.</summary>
internal interface IWalHost
{
    /// <summary>A clean close began (read under the commit lock): write what is sealed, then stop.</summary>
    bool IsClosing { get; }

    /// <summary>The database failed (fenced, or a panic): write nothing more.</summary>
    bool HasFailed { get; }

    /// <summary>A WAL object holding every row up to <paramref name="lastSeq"/> is durable.</summary>
    void WalWritten(ulong lastSeq);

    /// <summary>Closes the database with this reason (a fence, or a store failure the rows cannot survive).</summary>
    void Fail(CloseReason reason, string message, Exception? cause);

    /// <summary>Something nobody expected was thrown: the database closes as after a loop crash.</summary>
    void Crash(string loop, Exception error);
}

/// <summary>
/// The writer's write-ahead log. Rows appended in commit order fill the open WAL object (group
/// commit: every write until the next seal shares one object and one durability ticket); sealing
/// gives it the next WAL id and queues it; one loop writes queued objects strictly in id order,
/// each create-only, and completes their tickets. A WAL name that already exists means a newer
/// writer claimed it: this writer is fenced (SlateDB's fencing on WAL ids, spec §10.1).
/// </summary>
internal sealed class WalWriter : IDisposable
{
    // The database's commit lock. It guards _open, _sealed, _nextId and _lastSealedTicket: the WAL
    // order is the commit order, so appending and sealing belong to a commit's critical section,
    // and the loop takes it only to peek at and dequeue the sealed queue.
    private readonly Lock _commitLock;
    private readonly IObjectStore _store;
    private readonly string _db;
    private readonly KeyValuePair<string, object?> _metricTag;
    private readonly DbOptions _options;
    private readonly IWalHost _host;
    private readonly Threading.AsyncSignal _signal = new();
    private readonly Queue<WalBuffer> _sealed = new();
    private WalBuffer _open;
    private ulong _nextId;
    private DurabilityTicket? _lastSealedTicket;

    // Written by the loop only, read anywhere.
    private ulong _lastWrittenId;

    /// <summary>A WAL that continues after <paramref name="fenceId"/>, the fence this writer wrote at open.</summary>
    public WalWriter(IObjectStore store, string db, DbOptions options, Lock commitLock, IWalHost host, ulong fenceId)
    {
        _store = store;
        _db = db;
        _metricTag = DbMetrics.Tag(db);
        _options = options;
        _commitLock = commitLock;
        _host = host;
        _nextId = fenceId + 1;
        _lastWrittenId = fenceId;
        _open = NewBuffer();
    }

    /// <summary>The newest WAL id whose object is written (the fence before the first).</summary>
    public ulong LastWrittenId => Volatile.Read(ref _lastWrittenId);

    /// <summary>Under the commit lock: the newest WAL id sealed so far (the fence before the first).</summary>
    public ulong LastSealedId => _nextId - 1;

    /// <summary>Under the commit lock: the ticket every row appended since the last seal shares.</summary>
    public DurabilityTicket Ticket => _open.Ticket;

    /// <summary>Under the commit lock: whether the open object reached its size limit and should be sealed now.</summary>
    public bool IsFull => _open.EncodedBytes >= _options.L0SstSizeBytes;

    /// <summary>Under the commit lock: adds a committed row to the open WAL object.</summary>
    public void Append(scoped in RowEntry row) => _open.Append(row);

    /// <summary>
    /// Under the commit lock: the open object (unless empty) gets the next WAL id and joins the
    /// write queue. Returns the id of the last sealed object, this one or the previous.
    /// </summary>
    public ulong Seal()
    {
        if (_open.IsEmpty)
        {
            return _nextId - 1;
        }

        var id = _nextId++;
        _open.Seal(id);
        _sealed.Enqueue(_open);
        _lastSealedTicket = _open.Ticket;
        _open = NewBuffer();
        _signal.Set();
        return id;
    }

    /// <summary>Under the commit lock: seals, and returns the ticket of the newest sealed object (null if none ever was).</summary>
    public DurabilityTicket? SealForFlush()
    {
        Seal();
        return _lastSealedTicket;
    }

    /// <summary>Wakes the loop: a durable writer waits (<see cref="DbOptions.FlushOnDurableWaiters"/>) or the database closes.</summary>
    public void Kick() => _signal.Set();

    /// <summary>Under the commit lock: the tickets not yet completed, to fail when the database closes.</summary>
    public void CollectPending(List<DurabilityTicket> tickets)
    {
        foreach (var wal in _sealed)
        {
            tickets.Add(wal.Ticket);
        }

        tickets.Add(_open.Ticket);
    }

    /// <summary>
    /// The loop: every <see cref="DbOptions.FlushInterval"/>, or when kicked, seals the open object
    /// and writes the queue. Ends after a clean close has written what was sealed, or at once when
    /// the database failed.
    /// </summary>
    public async Task RunAsync()
    {
        while (true)
        {
            await _signal.WaitAsync(_options.FlushInterval, _options.TimeProvider, CancellationToken.None).ConfigureAwait(false);
            WalBuffer? next;
            bool closing;
            lock (_commitLock)
            {
                // A clean close sealed the last rows itself, under this lock, as it closed.
                closing = _host.IsClosing;
                if (!closing)
                {
                    Seal();
                }

                _sealed.TryPeek(out next);
            }

            var released = 0;
            var writeTicks = 0L;
            var expected = 0;
            while (next is not null)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await WriteAsync(next).ConfigureAwait(false))
                {
                    return;
                }

                writeTicks = Stopwatch.GetTimestamp() - started;
                released += next.Ticket.Waiters;
                lock (_commitLock)
                {
                    _sealed.Dequeue();
                    next.Dispose();
                    if (!_sealed.TryPeek(out next))
                    {
                        expected = _open.Ticket.Waiters + released;
                    }
                }
            }

            if (closing || _host.HasFailed)
            {
                return;
            }

            // One writer has nobody to merge with: it seals as soon as it is back.
            if (_options.WalGatherFraction > 0 && released > 0 && expected > 1)
            {
                await GatherAsync(expected, (long)(writeTicks * _options.WalGatherFraction)).ConfigureAwait(false);
            }
        }
    }

    // Right after an object lands, the writers it acknowledged usually commit their next write
    // within microseconds, while the writers that committed during its flight already fill the
    // open object. Sealing at once would leave the first group for the object after: with N
    // writers each object would carry N/2 writes and each write would wait for two objects.
    // Waiting until the open object has as many waiting writers as both groups together merges
    // them into one. The wait spins (timers are too coarse for it), so it is short in absolute
    // terms too: never past a fraction of one object's write time nor DbOptions.WalGatherMax
    // (2 ms: a local durable write costs about one), and it ends once a tenth of that passes with
    // no writer arriving (those still missing are not coming soon; a returning writer needs a few
    // microseconds of CPU to commit again).
    private async Task GatherAsync(int expected, long budgetTicks)
    {
        var now = Stopwatch.GetTimestamp();
        var maxTicks = (long)(_options.WalGatherMax.TotalSeconds * Stopwatch.Frequency);
        var idleTicks = maxTicks / 10;
        var deadline = now + Math.Min(budgetTicks, maxTicks);
        var seen = Volatile.Read(ref _open).Ticket.Waiters;
        var lastArrival = now;
        while (seen < expected && now < deadline && now - lastArrival < idleTicks && !_host.IsClosing && !_host.HasFailed)
        {
            // Yielding queues this loop behind the acknowledged writers' continuations, which
            // the tickets queued on the thread pool as they completed: they run first.
            await Task.Yield();
            now = Stopwatch.GetTimestamp();
            var waiters = Volatile.Read(ref _open).Ticket.Waiters;
            if (waiters != seen)
            {
                (seen, lastArrival) = (waiters, now);
            }
        }
    }

    /// <summary>Frees the buffers; after the loop ended.</summary>
    public void Dispose()
    {
        foreach (var wal in _sealed)
        {
            wal.Dispose();
        }

        _sealed.Clear();
        _open.Dispose();
    }

    // One WAL object, written create-only.
    private async Task<bool> WriteAsync(WalBuffer wal)
    {
        if (_host.HasFailed)
        {
            return false;
        }

        var path = DbPaths.WalSstPath(_db, wal.Id);
        ReadOnlyMemory<byte> bytes;
        try
        {
            // Finishing encodes (and compresses) the object: it can fail too, and its writers
            // must hear of it like of a failed upload.
            bytes = wal.Finish();
            var result = await _store.PutIfAbsentAsync(path, bytes).ConfigureAwait(false);
            if (!result.Stored)
            {
                _host.Fail(CloseReason.Fenced, $"detected a newer writer: WAL object {path} already exists", null);
                return false;
            }
        }
        catch (Exception e) when (Failures.IsExpected(e))
        {
            // The rows are applied in memory but not stored: the database cannot go on without
            // either losing or resurrecting them, so it closes, failing exactly these writes
            // with the store's error.
            wal.Ticket.Fail(e);
            _host.Fail(CloseReason.Panic, $"writing WAL object {path} failed: {e.Message}", e);
            return false;
        }
        catch (Exception e)
        {
            // Anything else is a fault of ours (or a codec library that broke): the same close,
            // and these writers get it as every other waiter does, as Closed.
            _host.Crash("WAL writer", e);
            return false;
        }

        DbMetrics.WalFlushes.Add(1, _metricTag);
        DbMetrics.WalBytes.Add(bytes.Length, _metricTag);
        Volatile.Write(ref _lastWrittenId, wal.Id);
        _host.WalWritten(wal.LastSeq);
        wal.Ticket.Complete();
        return true;
    }

    private WalBuffer NewBuffer() => new(_options.Compression, _options.BlockSize, _options.SstFilterFormat, _options.BlockTransformer);
}
