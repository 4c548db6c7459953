namespace SlateFast;

/// <summary>
/// A consistent view of the database as of one sequence number: reads through it never see later
/// writes, whatever flushes and (later) compactions happen. Dispose it to let the database drop the
/// old versions it keeps for the snapshot.
/// </summary>
public sealed class DbSnapshot : IDisposable
{
    private readonly DbHandle _db;
    private int _disposed;

    internal DbSnapshot(DbHandle db, ulong seq)
    {
        _db = db;
        Seq = seq;
    }

    /// <summary>The sequence number the snapshot reads at.</summary>
    public ulong Seq { get; }

    /// <summary>The value of <paramref name="key"/> as of the snapshot, or null.</summary>
    public async ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        var row = await _db.LookupAsync(key, Seq, options ?? ReadOptions.Default, writer, cancellationToken).ConfigureAwait(false);
        return row.Found ? writer.WrittenSpan.ToArray() : null;
    }

    /// <summary>The row of <paramref name="key"/> as of the snapshot, with its sequence number and timestamps, or null.</summary>
    public async ValueTask<KeyValue?> GetKeyValueAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        var row = await _db.LookupAsync(key, Seq, options ?? ReadOptions.Default, writer, cancellationToken).ConfigureAwait(false);
        return row.Found ? new KeyValue(key.ToArray(), writer.WrittenSpan.ToArray(), row.Seq, row.CreateTs, row.ExpireTs) : null;
    }

    /// <summary>The rows in <paramref name="range"/> as of the snapshot.</summary>
    public DbIterator ScanAsync(KeyRange range, ScanOptions? options = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(range);
        options ??= ScanOptions.Default;
        options.Validate();
        return new DbIterator(_db, range, options, Seq);
    }

    /// <summary>The rows whose key starts with <paramref name="prefix"/>, as of the snapshot.</summary>
    public DbIterator ScanPrefixAsync(ReadOnlySpan<byte> prefix, ScanOptions? options = null) => ScanAsync(KeyRange.Prefix(prefix), options);

    /// <summary>Releases the versions the snapshot pins.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _db.ReleaseSnapshot(Seq);
        }
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, "the snapshot is closed");
        }
    }
}
