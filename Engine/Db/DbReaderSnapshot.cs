namespace SlateFast;

/// <summary>
/// A view of a <see cref="DbReader"/> that stays as it was when taken, however often the reader
/// refreshes meanwhile (SlateDB #1383): every read through it sees the same manifest, the same
/// replayed WAL rows and the same sequence number. It holds the memtables it reads and, in
/// <see cref="DbReaderMode.ManagedCheckpoint"/> mode, keeps the reader's checkpoint of that
/// state in the manifest until it is disposed, so garbage collection never removes an SST it
/// reads. Dispose it promptly: a snapshot held long keeps old SSTs in the store.
/// </summary>
public sealed class DbReaderSnapshot : IAsyncDisposable, IDisposable
{
    private readonly DbHandle _view;
    private readonly Db.ReadState _state;
    private readonly Memtables.Memtable[] _held;
    private readonly Action _release;
    private int _disposed;

    internal DbReaderSnapshot(DbHandle view, Db.ReadState state, Memtables.Memtable[] held, ulong seq, ulong manifestId, Action release)
    {
        (_view, _state, _held, Seq, ManifestId, _release) = (view, state, held, seq, manifestId, release);
    }

    /// <summary>The sequence number every read through the snapshot is at.</summary>
    public ulong Seq { get; }

    /// <summary>The manifest version whose SSTs the snapshot reads.</summary>
    public ulong ManifestId { get; }

    /// <summary>The value of <paramref name="key"/> as of the snapshot, or null.</summary>
    public async ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
        (await GetKeyValueAsync(key, options, cancellationToken).ConfigureAwait(false))?.Value;

    /// <summary>The row of <paramref name="key"/> as of the snapshot, with its sequence number and timestamps, or null.</summary>
    public async ValueTask<KeyValue?> GetKeyValueAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        Keys.Validate(key.Span);
        options ??= ReadOptions.Default;
        var scan = new ScanOptions { CacheBlocks = options.CacheBlocks, HideExpired = options.HideExpired };

        // A one-key scan over the held state: the point-read path consults whatever state the
        // reader shows now, which is what a snapshot must not do.
        await using var rows = ScanAsync(new KeyRange(KeyBound.Included(key.Span), KeyBound.Included(key.Span)), scan);
        return await rows.NextAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The rows in <paramref name="range"/> as of the snapshot.</summary>
    public DbIterator ScanAsync(KeyRange range, ScanOptions? options = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(range);
        options ??= ScanOptions.Default;
        options.Validate();
        return new DbIterator(_view, range, options, Seq, start: (_state, Seq));
    }

    /// <summary>The rows whose key starts with <paramref name="prefix"/>, as of the snapshot.</summary>
    public DbIterator ScanPrefixAsync(ReadOnlySpan<byte> prefix, ScanOptions? options = null) => ScanAsync(KeyRange.Prefix(prefix), options);

    /// <summary>Releases the memtables and the checkpoint the snapshot holds. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var memtable in _held)
        {
            memtable.Release();
        }

        _release();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, "the reader snapshot is closed");
        }
    }
}
