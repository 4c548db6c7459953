using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlateFast.Flush;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Threading;
using SlateFast.Wal;

namespace SlateFast;

/// <summary>
/// An open database: one writer over a SlateDB-format database in an object store. Thread-safe;
/// every method may be called from any thread.
/// </summary>
/// <remarks>
/// <para>Opening claims the writer epoch and fences any older writer (spec §10.1). Writes enter
/// one ordered commit path that assigns sequence numbers, appends to the WAL buffer and inserts
/// into the memtable; background loops write WAL objects and L0 SSTs and update the manifest.</para>
/// <para>The type is split by facet: <c>DbHandle.Write.cs</c> (commit path), <c>.Flush.cs</c>
/// (WAL and memtable flushers, manifest updates), <c>.Recovery.cs</c> (open, fencing, WAL
/// replay), <c>.Read.cs</c> (gets).</para>
/// </remarks>
public sealed partial class DbHandle : IAsyncDisposable, IWalHost, IFlushHost
{
    private const int StateOpen = 0;
    private const int StateClosed = 1;

    private readonly IObjectStore _store;
    // The WAL's store: _store itself unless DbOptions.WalObjectStore names another.
    private readonly IObjectStore _walStore;
    // Set in the constructor, and once more during a writer's open to fix the format level it
    // detected (RecoverAsync), before any background task reads it.
    private DbOptions _options;
    private readonly ILogger _log;
    private readonly ManifestStore _manifests;
    private readonly Random _random;
    // Background retries (a flush's or ingestion's upload, the compactor's start), on the
    // database's clock and seed; object names never come from it.
    private readonly Threading.Backoff _backoff;
    // The seeds of the memtables' skiplist heights, from DbOptions.Seed; guarded by itself.
    private readonly Random _heightSeeds;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Threading.ProgressSignal _progress = new();
    private int _state;
    private CloseReason _closeReason;
    private string _closeMessage = string.Empty;
    private Exception? _closeCause;

    // Set once by Fail (a fence or a panic; never by a clean close), read without a lock by the loops.
    private volatile bool _failed;
    // The WAL writer's loop, or without a WAL the loop that freezes memtables durable writers wait on.
    private Task _durabilityLoop = Task.CompletedTask;
    private Task _memtableFlusher = Task.CompletedTask;

    // Created when the background starts, with the options recovery settled (the format level).
    private MemtableFlusher? _flusher;
    private Task? _closeTask;
    private bool _readOnly;
    private readonly TaskCompletionSource<SlateFastException> _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DbHandle(string path, IObjectStore store, DbOptions options)
    {
        Path = path;
        MetricTag = Diagnostics.DbMetrics.Tag(path);
        _store = store;
        _walStore = options.WalObjectStore is { } wal ? ObjectStore.StorePipeline.ForDatabase(wal, path) : store;
        _options = options;
        _log = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SlateFast.Db");
        _manifests = new ManifestStore(store, path);
        // Object names (ULIDs, checkpoint ids) must never repeat across handles or processes, so
        // they are never seeded: two writers seeded alike once overwrote each other's L0 SSTs.
        // Random is not thread-safe: every use locks the instance itself.
        _random = new Random();
        _backoff = Threading.Backoff.ForRestarts(options);
        _heightSeeds = options.Seed is { } seed ? new Random(seed) : new Random();
        _clock = new Threading.MonotonicClock(options.TimeProvider, long.MinValue);
    }

    /// <summary>The database's path inside its object store.</summary>
    public string Path { get; }

    /// <summary>The <c>db</c> tag of this database's measurements.</summary>
    internal KeyValuePair<string, object?> MetricTag { get; }

    /// <summary>The settings the database was opened with.</summary>
    public DbOptions Options => _options;

    /// <summary>Whether the database is closed, and why.</summary>
    public CloseReason CloseReason => Volatile.Read(ref _state) == StateClosed ? _closeReason : CloseReason.None;

    /// <summary>Completes with the reason when the database closes itself (fenced, or a background task failed); never on a clean close.</summary>
    internal Task<SlateFastException> Failure => _failure.Task;

    /// <summary>The writer epoch this handle claimed when it opened.</summary>
    public ulong WriterEpoch => _writerEpoch;

    /// <summary>The format level this handle writes at: <see cref="DbOptions.FormatLevel"/>, or what the store showed at open.</summary>
    public FormatLevel FormatLevel => _options.FormatLevel == FormatLevel.Detect ? FormatLevel.SlateDb012 : _options.FormatLevel;

    /// <summary>The highest sequence number assigned so far.</summary>
    public ulong LastSeq
    {
        get
        {
            lock (_commitLock)
            {
                return _lastSeq;
            }
        }
    }

    /// <summary>The highest sequence number durable in the object store.</summary>
    public ulong DurableSeq => Volatile.Read(ref _durableSeq);

    /// <summary>Bytes held by memtables not yet in L0 (what <see cref="DbOptions.MaxUnflushedBytes"/> bounds).</summary>
    internal long UnflushedBytes => Interlocked.Read(ref _unflushedBytes);

    /// <summary>L0 SSTs listed by the newest manifest this handle knows.</summary>
    internal int L0Count => CurrentManifest.L0.Length;

    /// <summary>Memtables alive: the active one and the frozen ones waiting for their L0 flush.</summary>
    internal int MemtableCount => Memtables is { } set ? 1 + set.Frozen.Length : 0;

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> in <paramref name="store"/>.</summary>
    public static async Task<DbHandle> OpenAsync(string path, IObjectStore store, DbOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new DbOptions();
        options.Validate();
        // A writer compresses every WAL object and SST it writes: a codec it cannot load is refused
        // here, before any write is accepted that could then never become durable.
        Format.Compression.EnsureAvailable(options.Compression);
        path = (path ?? string.Empty).Trim('/');
        ObjectPath.Validate(path);
        var db = new DbHandle(path, ObjectStore.StorePipeline.ForDatabase(store, path, options.ObjectStoreCache), options);
        try
        {
            await db.RecoverAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            db.ReleaseMemtables();
            throw;
        }

        db.StartBackground();
        db.StartDiskCachePreload();
        Diagnostics.DbMetrics.Opened(db);
        try
        {
            await db.MakeWalCutPermanentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await db.CloseAsync().ConfigureAwait(false);
            throw;
        }

        return db;
    }

    /// <summary>
    /// Opens the database for reading only, as RocksDB's <c>OpenForReadOnly</c>: it claims no
    /// writer epoch and writes nothing, so it never fences the writer; it sees what the manifest
    /// and the WAL objects held when it opened, or what <paramref name="checkpoint"/> holds (a
    /// missing checkpoint is <see cref="ErrorKind.Invalid"/>). Writes and flushes fail with
    /// <see cref="ErrorKind.Invalid"/>. A reader that follows the writer is <see cref="DbReader"/>.
    /// </summary>
    public static async Task<DbHandle> OpenReadOnlyAsync(string path, IObjectStore store, DbOptions? options = null, Guid? checkpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new DbOptions();
        options.Validate();
        path = (path ?? string.Empty).Trim('/');
        ObjectPath.Validate(path);
        var db = new DbHandle(path, ObjectStore.StorePipeline.ForDatabase(store, path, options.ObjectStoreCache), options) { _readOnly = true };
        try
        {
            await db.RecoverReadOnlyAsync(checkpoint is { } id ? Db.Checkpoints.CheckpointIds.FromGuid(id) : null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            db.ReleaseMemtables();
            throw;
        }

        return db;
    }

    /// <summary>Opens the database at <paramref name="path"/> in the store a URL names (see <see cref="ObjectStores.FromUrl"/>).</summary>
    public static Task<DbHandle> OpenAsync(string path, string storeUrl, DbOptions? options = null, CancellationToken cancellationToken = default) =>
        OpenAsync(path, ObjectStores.FromUrl(storeUrl), options, cancellationToken);

    /// <summary>
    /// Closes the database as SlateDB does on shutdown: buffered WAL rows are written, then a final
    /// manifest; memtables are not flushed (the WAL holds them). Later calls fail with
    /// <see cref="ErrorKind.Closed"/> (<see cref="CloseReason.Clean"/>). Idempotent.
    /// </summary>
    public Task CloseAsync()
    {
        lock (_commitLock)
        {
            if (_closeTask is null)
            {
                var wasOpen = _state == StateOpen && !_readOnly;
                if (wasOpen)
                {
                    _state = StateClosed;
                    _closeReason = CloseReason.Clean;
                    _closeMessage = "the database is closed";
                    if (_wal is not null)
                    {
                        _wal.Seal();
                    }
                    else if (!_options.WalEnabled && Memtables is not null)
                    {
                        // Without a WAL the memtables are the only copy of the writes made with
                        // AwaitDurable = false: a clean close flushes them to L0, as SlateDB's does.
                        Freeze(0);
                    }
                }

                if (_readOnly)
                {
                    _state = StateClosed;
                    _closeReason = CloseReason.Clean;
                    _closeMessage = "the database is closed";
                }

                // A database that failed (fenced, panic) still has loops to stop and memory to free.
                _closeTask = CloseCoreAsync(writeFinalManifest: wasOpen);
                StatusChanged();
            }

            return _closeTask;
        }
    }

    private async Task CloseCoreAsync(bool writeFinalManifest)
    {
        await Task.Yield();
        WakeDurabilityLoop();
        try
        {
            if (writeFinalManifest && !_options.WalEnabled)
            {
                // Before the compactor stops: a full L0 needs it to make room for these flushes.
                await FlushFrozenOnCloseAsync().ConfigureAwait(false);
            }

            await StopCompactorAsync().ConfigureAwait(false);
            // The WAL flusher writes what was sealed, then stops; the memtable flusher stops at
            // once (an in-flight L0 upload is abandoned; its object never becomes visible).
            await _durabilityLoop.ConfigureAwait(false);
            await _shutdown.CancelAsync().ConfigureAwait(false);
            KickFlusher();
            await _memtableFlusher.ConfigureAwait(false);
            await _diskCachePreload.ConfigureAwait(false);
            if (writeFinalManifest && _closeCause is null)
            {
                await UpdateManifestAsync(m => m with { WalIdLastSeen = Math.Max(m.WalIdLastSeen, _wal?.LastSealedId ?? _fenceWalId) }, CancellationToken.None).ConfigureAwait(false);
                _log.LogInformation("closed database {Path} (epoch {Epoch})", Path, _writerEpoch);
            }
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Closed)
        {
            // Fenced while closing: nothing more to write.
        }
        finally
        {
            await StopGarbageCollectorAsync().ConfigureAwait(false);
            FailPending(new SlateFastException(ErrorKind.Closed, CloseReason.Clean, "the database was closed before the write became durable"));
            ReleaseMemtables();
            Volatile.Read(ref _cache)?.Dispose();
            if (_store is DiskCachedObjectStore { OwnedByDatabase: true } diskCache)
            {
                diskCache.Dispose();
            }

            Diagnostics.DbMetrics.Closed(this);
            _progress.Notify();
        }
    }

    private async Task FlushFrozenOnCloseAsync()
    {
        Task[] flushed;
        lock (_commitLock)
        {
            flushed = [.. FrozenSnapshot().Select(m => m.Flushed.Task)];
        }

        KickFlusher();
        try
        {
            await Task.WhenAll(flushed).ConfigureAwait(false);
        }
        catch (SlateFastException e)
        {
            // The flusher failed and closed the database with the reason; close goes on freeing.
            _log.LogWarning("flushing memtables while closing {Path} failed: {Message}", Path, e.Message);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    internal void ThrowIfClosed()
    {
        if (Volatile.Read(ref _state) == StateClosed)
        {
            ThrowClosed();
        }
    }

    private void ThrowClosed() => throw new SlateFastException(ErrorKind.Closed, _closeReason, $"{Path}: {_closeMessage}", _closeCause);

    /// <summary>Stops the database because a background task failed or a newer writer fenced it.</summary>
    internal void Fail(CloseReason reason, string message, Exception? cause)
    {
        if (reason == CloseReason.Clean)
        {
            ThrowHelper.Internal("a clean close is not a failure");
        }

        lock (_commitLock)
        {
            if (_state == StateClosed && _closeReason != CloseReason.Clean)
            {
                return;
            }

            _state = StateClosed;
            _closeReason = reason;
            _closeMessage = message;
            _closeCause = cause;
            _failed = true;
        }

        if (reason == CloseReason.Fenced)
        {
            _log.LogWarning("database {Path} was fenced: {Message}", Path, message);
        }
        else
        {
            _log.LogError(cause, "database {Path} closed itself: {Message}", Path, message);
        }

        var error = new SlateFastException(ErrorKind.Closed, reason, $"{Path}: {message}", cause);
        _failure.TrySetResult(error);
        FailPending(error);
        _shutdown.Cancel();
        WakeDurabilityLoop();
        KickFlusher();
        _progress.Notify();
        StatusChanged();
    }

    private void ReleaseMemtables()
    {
        Db.MemtableSet? set;
        lock (_commitLock)
        {
            set = Memtables;
            PublishMemtables(null);
        }

        if (set is null)
        {
            return;
        }

        foreach (var m in set.NewestFirst)
        {
            m.Release();
        }

        _wal?.Dispose();
    }

    private void StartBackground()
    {
        _durabilityLoop = _wal is not null
            ? BackgroundLoop.Start("WAL writer", _wal.RunAsync, OnLoopCrash)
            : BackgroundLoop.Start("memtable freezer", NoWalDurabilityLoopAsync, OnLoopCrash);
        var flusher = new MemtableFlusher(_store, Path, _options, this, _log);
        Volatile.Write(ref _flusher, flusher);
        _memtableFlusher = BackgroundLoop.Start("memtable flusher", () => flusher.RunAsync(_shutdown.Token), OnLoopCrash, _shutdown.Token);
        KickFlusher();
        StartGarbageCollector();
        StartCompactor();
    }

    // A loop that died of something it did not expect takes the database with it, so whoever
    // waits on that loop's work gets the reason instead of waiting forever.
    private void OnLoopCrash(string loop, Exception e) => Fail(CloseReason.Panic, BackgroundLoop.Describe(loop, e), e);

    private ImmutableArray<Memtables.Memtable> FrozenSnapshot() => Memtables?.Frozen ?? [];
}
