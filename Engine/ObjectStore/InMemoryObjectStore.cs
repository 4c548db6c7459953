namespace SlateFast.ObjectStore;

/// <summary>
/// Objects in a dictionary: the same semantics as the other stores, for tests and for
/// benchmarks of the engine alone. Entity tags are a per-store version counter.
/// </summary>
public sealed class InMemoryObjectStore : IObjectStore
{
    private readonly SortedDictionary<string, Entry> _objects = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private long _version;

    /// <summary>Creates an empty store.</summary>
    public InMemoryObjectStore(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A name shown in messages.</summary>
    public string Name { get; init; } = "memory:///";

    /// <summary>Number of objects stored.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _objects.Count;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <inheritdoc/>
    public ValueTask<ObjectMeta> PutAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectPath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        var copy = data.ToArray();
        lock (_lock)
        {
            return ValueTask.FromResult(Store(path, copy));
        }
    }

    /// <inheritdoc/>
    public ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectPath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        var copy = data.ToArray();
        lock (_lock)
        {
            return ValueTask.FromResult(_objects.ContainsKey(path) ? PutResult.Exists : PutResult.Success(Store(path, copy).ETag));
        }
    }

    /// <inheritdoc/>
    public ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default)
    {
        ObjectPath.Validate(path);
        ArgumentNullException.ThrowIfNull(etag);
        cancellationToken.ThrowIfCancellationRequested();
        var copy = data.ToArray();
        lock (_lock)
        {
            return ValueTask.FromResult(_objects.TryGetValue(path, out var current) && current.Meta.ETag == etag
                ? PutResult.Success(Store(path, copy).ETag)
                : PutResult.Failed);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ObjectData?> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        ObjectPath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult(_objects.TryGetValue(path, out var e) ? new ObjectData(e.Data, e.Meta) : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ReadOnlyMemory<byte>> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        var data = Find(path, offset, length, cancellationToken);
        var start = (int)Math.Min(offset, data.Length);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(data.AsMemory(start, Math.Min(length, data.Length - start)));
    }

    /// <inheritdoc/>
    public ValueTask<int> ReadRangeAsync(string path, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var data = Find(path, offset, destination.Length, cancellationToken);
        var start = (int)Math.Min(offset, data.Length);
        var n = Math.Min(destination.Length, data.Length - start);
        data.AsSpan(start, n).CopyTo(destination.Span);
        return ValueTask.FromResult(n);
    }

    /// <inheritdoc/>
    public ValueTask<ObjectMeta?> HeadAsync(string path, CancellationToken cancellationToken = default)
    {
        ObjectPath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult<ObjectMeta?>(_objects.TryGetValue(path, out var e) ? e.Meta : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ListPage> ListPageAsync(string prefix, string? continuationToken = null, int pageSize = ListPage.MaxPageSize, CancellationToken cancellationToken = default)
    {
        ObjectPath.ValidatePrefix(prefix);
        if (pageSize is < 1 or > ListPage.MaxPageSize)
        {
            ThrowHelper.Invalid($"list page size must be 1..{ListPage.MaxPageSize}, got {pageSize}");
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var page = new List<ObjectMeta>();
            var more = false;
            foreach (var (key, entry) in _objects)
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal)
                    || (continuationToken is not null && string.CompareOrdinal(key, continuationToken) <= 0))
                {
                    continue;
                }

                if (page.Count == pageSize)
                {
                    more = true;
                    break;
                }

                page.Add(entry.Meta);
            }

            return ValueTask.FromResult(new ListPage(page, more ? page[^1].Path : null));
        }
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        ObjectPath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _objects.Remove(path);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default)
    {
        ObjectPath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IObjectWriter>(new Writer(this, path));
    }

    private byte[] Find(string path, long offset, int length, CancellationToken cancellationToken)
    {
        ObjectPath.Validate(path);
        if (offset < 0 || length < 0)
        {
            ThrowHelper.Invalid($"invalid range: offset {offset}, length {length}");
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return _objects.TryGetValue(path, out var e) ? e.Data : throw new ObjectNotFoundException(path);
        }
    }

    private ObjectMeta Store(string path, byte[] data)
    {
        var meta = new ObjectMeta(path, data.Length, (++_version).ToString("x16", System.Globalization.CultureInfo.InvariantCulture), _time.GetUtcNow());
        _objects[path] = new Entry(data, meta);
        return meta;
    }

    private sealed record Entry(byte[] Data, ObjectMeta Meta);

    private sealed class Writer(InMemoryObjectStore store, string path) : IObjectWriter
    {
        private MemoryStream? _buffer = new();

        public string Path => path;

        public long BytesWritten { get; private set; }

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            var b = _buffer ?? throw new SlateFastException(ErrorKind.Invalid, $"writer for {path} is already completed or aborted");
            b.Write(data.Span);
            BytesWritten += data.Length;
            return ValueTask.CompletedTask;
        }

        public ValueTask<ObjectMeta> CompleteAsync(CancellationToken cancellationToken = default)
        {
            var b = _buffer ?? throw new SlateFastException(ErrorKind.Invalid, $"writer for {path} is already completed or aborted");
            _buffer = null;
            lock (store._lock)
            {
                return ValueTask.FromResult(store.Store(path, b.ToArray()));
            }
        }

        public ValueTask AbortAsync(CancellationToken cancellationToken = default)
        {
            _buffer = null;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => AbortAsync();
    }
}
