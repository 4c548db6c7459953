using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlateFast.Db.Checkpoints;
using SlateFast.Wal;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast;

/// <summary>
/// A read-only view of a database that another process (or this one) writes, as SlateDB's
/// <c>DbReader</c>: it claims no writer epoch and so never fences the writer. It reads the L0 SSTs
/// and sorted runs of a manifest plus the WAL objects written after it, and (except at a fixed
/// checkpoint) polls for newer manifests and WAL objects every
/// <see cref="DbReaderOptions.ManifestPollInterval"/>. See <see cref="DbReaderMode"/>.
/// </summary>
/// <remarks>
/// Reads use the same path as <see cref="DbHandle"/> (memtables of replayed WAL rows, then L0
/// newest first, then sorted runs). Each read or scan sees one consistent state; a refresh swaps
/// the state as a whole. Dispose it to stop polling and, in managed mode, delete its checkpoint.
/// </remarks>
public sealed partial class DbReader : IAsyncDisposable
{
    private readonly DbHandle _view;
    private readonly ManifestStore _manifests;
    private readonly DbReaderOptions _options;
    private readonly DbReaderMode _mode;
    private readonly WalReplayer _replayer;
    private readonly ILogger _log;
    private readonly Random _random = new();
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _poller = Task.CompletedTask;
    private ulong _latestId;
    private ManifestState _latest = ManifestState.Initial;
    private ulong _pinnedId;
    private ManifestState _pinned = ManifestState.Initial;
    private ulong _lastWalId;
    private ulong _lastSeq;
    private int _disposed;

    // Boxed so another thread reads the id whole.
    private CheckpointBox? _checkpointBox;

    private sealed record CheckpointBox(Uuid Id);

    private DbReader(DbHandle view, ManifestStore manifests, DbReaderOptions options)
    {
        _view = view;
        _manifests = manifests;
        _options = options;
        _mode = options.EffectiveMode;
        _replayer = new WalReplayer(view.WalStore, view.Path, options.WalRecovery, options.MaxMemtableBytes, ReplayMemtable(options.MaxMemtableBytes), options.BlockTransformer);
        _log = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SlateFast.DbReader");
    }

    /// <summary>The database's path inside its object store.</summary>
    public string Path => _view.Path;

    /// <summary>How this reader follows the database.</summary>
    public DbReaderMode Mode => _mode;

    /// <summary>The checkpoint the reader currently reads through (its own in managed mode); null when following the latest state.</summary>
    public Guid? CheckpointId => Volatile.Read(ref _checkpointBox) is { } box ? CheckpointIds.ToGuid(box.Id) : null;

    /// <summary>The manifest version whose L0 SSTs and sorted runs the reader reads.</summary>
    public ulong ManifestId => Interlocked.Read(ref _pinnedId);

    /// <summary>The highest sequence number the reader can see.</summary>
    public ulong LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>Opens a reader over the database at <paramref name="path"/>; fails with <see cref="ErrorKind.Invalid"/> when there is none or the checkpoint does not exist.</summary>
    public static async Task<DbReader> OpenAsync(string path, IObjectStore store, DbReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new DbReaderOptions();
        options.Validate();
        path = (path ?? string.Empty).Trim('/');
        ObjectPath.Validate(path);
        var dbOptions = new DbOptions
        {
            BlockCache = options.BlockCache,
            ObjectStoreCache = options.ObjectStoreCache,
            TimeProvider = options.TimeProvider,
            LoggerFactory = options.LoggerFactory,
            GarbageCollector = null,
            MergeOperator = options.MergeOperator,
            BlockTransformer = options.BlockTransformer,
            WalObjectStore = options.WalObjectStore,
            FilterPrefixExtractor = options.FilterPrefixExtractor,
        };
        var view = DbHandle.CreateReadView(path, store, dbOptions);
        var reader = new DbReader(view, view.Manifests, options);
        try
        {
            await reader.EstablishAsync(cancellationToken).ConfigureAwait(false);
            if (options.SegmentExtractor is { } extractor)
            {
                view.UseSegments(extractor);
            }
        }
        catch
        {
            await view.CloseAsync().ConfigureAwait(false);
            throw;
        }

        view.StartDiskCachePreload();
        if (reader._mode != DbReaderMode.FixedCheckpoint)
        {
            reader._poller = Threading.BackgroundLoop.Start("reader's manifest poller", reader.PollLoopAsync, reader.OnPollerCrash, reader._stop.Token);
        }

        return reader;
    }

    /// <summary>
    /// What the reader shows now: the highest sequence number it sees (<see cref="DbStatus.DurableSeq"/>;
    /// everything a reader sees is durable), the manifest it reads, its close reason.
    /// </summary>
    public DbStatus Status => _view.Status;

    /// <summary>
    /// The status now, then each time newer data becomes visible (a poll found a new manifest or
    /// WAL objects) or the reader closes; as <see cref="DbHandle.SubscribeAsync"/>. A consumer
    /// waits on this instead of polling <see cref="RefreshAsync"/> (SlateDB #1408).
    /// </summary>
    public IAsyncEnumerable<DbStatus> SubscribeAsync(CancellationToken cancellationToken = default) => _view.WatchStatusAsync(cancellationToken);

    /// <summary>What the disk cache (<see cref="DbReaderOptions.ObjectStoreCache"/>) served so far; null when it is off.</summary>
    public DiskCacheStats? DiskCacheStats => _view.DiskCacheStats;

    internal Task DiskCachePreload => _view.DiskCachePreload;

    /// <summary>Completes with the reason when the reader closes itself (its poller failed).</summary>
    internal Task<SlateFastException> Failure => _view.Failure;

    /// <summary>The value of <paramref name="key"/>, or null; as <see cref="DbHandle.GetAsync"/>.</summary>
    public ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
        _view.GetAsync(key, options, cancellationToken);

    /// <summary>Writes the value of <paramref name="key"/> into <paramref name="destination"/>; as <see cref="DbHandle.TryGetAsync"/>.</summary>
    public ValueTask<bool> TryGetAsync(ReadOnlyMemory<byte> key, IBufferWriter<byte> destination, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
        _view.TryGetAsync(key, destination, options, cancellationToken);

    /// <summary>The row of <paramref name="key"/> with its sequence number and timestamps, or null.</summary>
    public ValueTask<KeyValue?> GetKeyValueAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
        _view.GetKeyValueAsync(key, options, cancellationToken);

    /// <summary>The rows in <paramref name="range"/>; as <see cref="DbHandle.ScanAsync"/>.</summary>
    public DbIterator ScanAsync(KeyRange range, ScanOptions? options = null) => _view.ScanAsync(range, options);

    /// <summary>The rows whose key starts with <paramref name="prefix"/>.</summary>
    public DbIterator ScanPrefixAsync(ReadOnlySpan<byte> prefix, ScanOptions? options = null) => _view.ScanPrefixAsync(prefix, options);

    /// <summary>
    /// The segments of a segmented database, ascending: those of the manifest the reader reads, and
    /// with <see cref="DbReaderOptions.SegmentExtractor"/> also those only its replayed WAL rows hold;
    /// as <see cref="DbHandle.ListSegments"/>.
    /// </summary>
    public IReadOnlyList<byte[]> ListSegments() => _view.ListSegments();

    /// <summary>
    /// Polls now instead of waiting for the next interval: follows a newer manifest (replacing its
    /// checkpoint in managed mode), replays new WAL objects and refreshes its checkpoint when half
    /// its lifetime is over. Does nothing at a fixed checkpoint.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"{Path}: the reader is closed");
        }

        _view.ThrowIfClosed();
        if (_mode == DbReaderMode.FixedCheckpoint)
        {
            return;
        }

        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PollAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    // The poller keeps what readers see current; if it dies of something unexpected the reader
    // closes, so reads fail with the reason instead of serving an ever older view.
    private void OnPollerCrash(string loop, Exception e) => _view.Fail(CloseReason.Panic, Threading.BackgroundLoop.Describe(loop, e), e);

    /// <summary>Stops polling, deletes the reader's own checkpoint (managed mode) and frees its memory. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _poller.ConfigureAwait(false);
        await _refreshLock.WaitAsync().ConfigureAwait(false);
        try
        {
            WarnIfSnapshotsOpen();
            if (_mode == DbReaderMode.ManagedCheckpoint && _checkpointBox?.Id is { } own)
            {
                Uuid[] mine = [own, .. RetiredCheckpoints()];
                try
                {
                    await RemoveCheckpointsAsync(mine, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (Failures.IsExpected(e))
                {
                    // It expires on its own; the collector then removes it.
                    _log.LogWarning(e, "could not delete reader checkpoint {Id} of {Path}", own, Path);
                }
            }
        }
        finally
        {
            _refreshLock.Release();
            await _view.CloseAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    // A small first memtable, so a short WAL costs little memory; room for a whole memtable after.
    private static Func<long, int, Memtables.Memtable> ReplayMemtable(long maxBytes) => (need, index) =>
        new(Math.Min(Memory.NativeArena.MaxCapacity, Math.Max(need * 2, index == 0 ? 1L << 20 : maxBytes * 2)));
}
