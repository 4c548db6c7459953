using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore.DiskCache;

namespace SlateFast.ObjectStore;

/// <summary>
/// A store that keeps the bytes of SSTs (<c>compacted/&lt;ulid&gt;.sst</c>) it reads in aligned
/// parts on local disk (<see cref="ObjectStoreCacheOptions"/>) and serves later reads of them
/// from there. Everything else passes through. RFC 0023 explains why a cached byte is never one
/// of an object that was deleted or replaced:
/// <list type="bullet">
/// <item>SST names are ULIDs, never reused for other bytes, so a name is a version;</item>
/// <item>a head file beside the parts records the object's size and entity tag, and every
/// <see cref="HeadAsync"/> (the engine heads an SST each time it opens it) compares them with the
/// store's: a missing object removes its parts, a different one replaces them;</item>
/// <item>deletes and writes through this store remove the object's parts;</item>
/// <item>every part carries checksums; a part that fails them is removed and fetched again.</item>
/// </list>
/// </summary>
public sealed class DiskCachedObjectStore : ObjectStoreDecorator, IDisposable
{
    private readonly DiskCacheStorage _storage;
    private readonly string _folder;
    private readonly int _partSize;
    private readonly bool _cachePuts;
    // Objects this instance has checked against the store, with what the store said: reads of
    // them need no HEAD. Refreshed by every HeadAsync, dropped by deletes and writes.
    private readonly ConcurrentDictionary<string, ObjectMeta> _checked = new(StringComparer.Ordinal);
    // Part fetches in flight, so concurrent misses on one part make one request.
    private readonly ConcurrentDictionary<string, Task<ReadOnlyMemory<byte>>> _fetches = new(StringComparer.Ordinal);
    private long _accesses;
    private long _hits;
    private long _fetchedBytes;
    private long _corrupt;
    private int _disposed;

    /// <summary>Caches <paramref name="inner"/>'s SSTs under <paramref name="options"/>' root folder.</summary>
    public DiskCachedObjectStore(IObjectStore inner, ObjectStoreCacheOptions options)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate("DiskCachedObjectStore");
        if (options.RootFolder is null)
        {
            ThrowHelper.Invalid("invalid ObjectStoreCacheOptions.RootFolder (null): the disk cache needs a folder");
        }

        _storage = DiskCacheStorage.Open(options.RootFolder, options.MaxCacheSizeBytes);
        // One subfolder per store, named by a hash of the store's address, so two buckets (or a
        // bucket and a local folder) holding the same paths never share parts.
        _folder = Path.Combine(_storage.Root, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inner.ToString() ?? string.Empty)).AsSpan(0, 8)));
        _partSize = options.PartSizeBytes;
        _cachePuts = options.CachePuts;
    }

    /// <summary>Set when a database made this cache around the store it was given, and so disposes it when it closes.</summary>
    internal bool OwnedByDatabase { get; init; }

    /// <summary>
    /// Lets go of the folder's index: once every store over the folder in this process is
    /// disposed, the next one rebuilds the index from the files, as a restarted process does.
    /// The store keeps working afterwards. Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _storage.Release();
        }
    }

    /// <summary>What this store's reads found in the cache so far.</summary>
    public DiskCacheStats Stats => new(
        Interlocked.Read(ref _accesses), Interlocked.Read(ref _hits), Interlocked.Read(ref _fetchedBytes),
        Interlocked.Read(ref _corrupt), _storage.Bytes, _storage.Files);

    /// <summary>Completes when the folder's index holds every file that was there when it was first opened.</summary>
    internal Task IndexReady => _storage.Ready;

    /// <summary>Whether reads of <paramref name="path"/> go through the cache: an SST under a <c>compacted/</c> folder.</summary>
    public static bool IsCached(string path)
    {
        var slash = path.LastIndexOf('/');
        var dir = slash < 0 ? string.Empty : path[..slash];
        return (dir == DbPaths.CompactedDir || dir.EndsWith("/" + DbPaths.CompactedDir, StringComparison.Ordinal))
            && path.EndsWith(".sst", StringComparison.Ordinal)
            && DbPaths.TryParseCompactedSstName(path, out _);
    }

    /// <inheritdoc/>
    protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        call(cancellationToken);

    /// <inheritdoc/>
    public override async ValueTask<ObjectMeta?> HeadAsync(string path, CancellationToken cancellationToken = default)
    {
        var meta = await Inner.HeadAsync(path, cancellationToken).ConfigureAwait(false);
        if (IsCached(path))
        {
            await ReconcileAsync(path, meta).ConfigureAwait(false);
        }

        return meta;
    }

    /// <inheritdoc/>
    public override async ValueTask<ReadOnlyMemory<byte>> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        if (!IsCached(path))
        {
            return await Inner.GetRangeAsync(path, offset, length, cancellationToken).ConfigureAwait(false);
        }

        CheckRange(offset, length);
        var meta = await CheckedAsync(path, cancellationToken).ConfigureAwait(false);
        var bytes = new byte[(int)Math.Clamp(meta.Size - offset, 0, length)];
        await ReadPartsAsync(path, meta, offset, bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadRangeAsync(string path, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (!IsCached(path))
        {
            return await Inner.ReadRangeAsync(path, offset, destination, cancellationToken).ConfigureAwait(false);
        }

        CheckRange(offset, destination.Length);
        var meta = await CheckedAsync(path, cancellationToken).ConfigureAwait(false);
        var length = (int)Math.Clamp(meta.Size - offset, 0, destination.Length);
        await ReadPartsAsync(path, meta, offset, destination[..length], cancellationToken).ConfigureAwait(false);
        return length;
    }

    /// <inheritdoc/>
    public override async ValueTask DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        await Inner.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        if (IsCached(path))
        {
            await ForgetAsync(path).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<ObjectMeta> PutAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (!IsCached(path))
        {
            return await Inner.PutAsync(path, data, cancellationToken).ConfigureAwait(false);
        }

        await ForgetAsync(path).ConfigureAwait(false);
        var meta = await Inner.PutAsync(path, data, cancellationToken).ConfigureAwait(false);
        await ForgetAsync(path).ConfigureAwait(false);
        if (_cachePuts)
        {
            await StoreWrittenAsync(meta, data).ConfigureAwait(false);
        }

        return meta;
    }

    /// <inheritdoc/>
    public override async ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (IsCached(path))
        {
            await ForgetAsync(path).ConfigureAwait(false);
        }

        return await Inner.PutIfAbsentAsync(path, data, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default)
    {
        var result = await Inner.PutIfMatchAsync(path, data, etag, cancellationToken).ConfigureAwait(false);
        if (IsCached(path))
        {
            await ForgetAsync(path).ConfigureAwait(false);
        }

        return result;
    }

    /// <inheritdoc/>
    public override async ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default)
    {
        var writer = await Inner.OpenWriterAsync(path, cancellationToken).ConfigureAwait(false);
        if (!IsCached(path))
        {
            return writer;
        }

        await ForgetAsync(path).ConfigureAwait(false);
        return new CachingWriter(this, writer);
    }

    /// <summary>
    /// Loads <paramref name="paths"/> (SSTs, most wanted first) into the cache until it holds as
    /// much as 90% of its budget; missing objects are skipped. Returns the bytes loaded.
    /// </summary>
    public async Task<long> PreloadAsync(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        await _storage.Ready.ConfigureAwait(false);
        long loaded = 0;
        foreach (var path in paths.Where(IsCached))
        {
            if (await HeadAsync(path, cancellationToken).ConfigureAwait(false) is not { } meta)
            {
                continue;
            }

            if (loaded + meta.Size > _storage.MaxBytes - (_storage.MaxBytes / 10))
            {
                break;
            }

            for (long index = 0; index * _partSize < meta.Size; index++)
            {
                var file = PartFileOf(path, index);
                if (!File.Exists(file))
                {
                    await FetchPartAsync(path, file, index, PartLength(meta, index), cancellationToken).ConfigureAwait(false);
                }
            }

            loaded += meta.Size;
        }

        return loaded;
    }

    // The stores' own rule for a bad range: misuse, Invalid.
    private static void CheckRange(long offset, int length)
    {
        if (offset < 0 || length < 0)
        {
            ThrowHelper.Invalid($"invalid range: offset {offset}, length {length}");
        }
    }

    private string ObjectFolder(string path) => Path.Combine(_folder, path.Replace('/', Path.DirectorySeparatorChar));

    private string PartFileOf(string path, long index) => Path.Combine(ObjectFolder(path), DiskCacheStorage.PartName(_partSize, index));

    private int PartLength(ObjectMeta meta, long index) => (int)Math.Min(_partSize, meta.Size - (index * _partSize));

    private async ValueTask<ObjectMeta> CheckedAsync(string path, CancellationToken cancellationToken)
    {
        if (_checked.TryGetValue(path, out var meta))
        {
            return meta;
        }

        return await HeadAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(path);
    }

    // Makes the cached copy of path agree with what the store just said of it.
    private async ValueTask ReconcileAsync(string path, ObjectMeta? meta)
    {
        if (meta is not { } current)
        {
            await ForgetAsync(path).ConfigureAwait(false);
            return;
        }

        if (_checked.TryGetValue(path, out var known) && Same(known, current))
        {
            return;
        }

        var head = Path.Combine(ObjectFolder(path), DiskCacheStorage.HeadName);
        if (!ReadHead(head, out var size, out var etag) || size != current.Size || etag != current.ETag)
        {
            await _storage.RemoveObjectAsync(ObjectFolder(path)).ConfigureAwait(false);
            await _storage.TryWriteAsync(head, PartFile.EncodeHead(current.Size, current.ETag), ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
        }

        _checked[path] = current;
    }

    private static bool Same(ObjectMeta a, ObjectMeta b) => a.Size == b.Size && a.ETag == b.ETag;

    private static bool ReadHead(string file, out long size, out string etag)
    {
        try
        {
            return PartFile.TryDecodeHead(File.ReadAllBytes(file), out size, out etag);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            (size, etag) = (0, string.Empty);
            return false;
        }
    }

    private async ValueTask ForgetAsync(string path)
    {
        _checked.TryRemove(path, out _);
        await _storage.RemoveObjectAsync(ObjectFolder(path)).ConfigureAwait(false);
    }

    private async ValueTask ReadPartsAsync(string path, ObjectMeta meta, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var position = offset + done;
            var index = position / _partSize;
            var start = (int)(position - (index * _partSize));
            var partLength = PartLength(meta, index);
            var count = Math.Min(partLength - start, destination.Length - done);
            await ReadPartAsync(path, index, partLength, start, destination.Slice(done, count), cancellationToken).ConfigureAwait(false);
            done += count;
        }
    }

    private async ValueTask ReadPartAsync(string path, long index, int partLength, int start, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var file = PartFileOf(path, index);
        Interlocked.Increment(ref _accesses);
        switch (TryReadCached(file, partLength, start, destination.Span))
        {
            case CachedRead.Hit:
                Interlocked.Increment(ref _hits);
                DiskCacheMetrics.Access(hit: true);
                _storage.Touch(file);
                return;
            case CachedRead.Damaged:
                Interlocked.Increment(ref _corrupt);
                DiskCacheMetrics.Corrupt();
                await _storage.RemoveFileAsync(file).ConfigureAwait(false);
                break;
        }

        DiskCacheMetrics.Access(hit: false);
        var part = await FetchPartAsync(path, file, index, partLength, cancellationToken).ConfigureAwait(false);
        part.Span.Slice(start, destination.Length).CopyTo(destination.Span);
    }

    private static CachedRead TryReadCached(string file, int partLength, int start, Span<byte> destination)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CachedRead.Missing;
        }

        using (handle)
        {
            try
            {
                return PartFile.TryRead(handle, partLength, start, destination) ? CachedRead.Hit : CachedRead.Damaged;
            }
            catch (IOException)
            {
                return CachedRead.Damaged;
            }
        }
    }

    private async Task<ReadOnlyMemory<byte>> FetchPartAsync(string path, string file, long index, int partLength, CancellationToken cancellationToken)
    {
        var fetch = _fetches.GetOrAdd(file, _ => FetchAndStoreAsync(path, file, index, partLength));
        try
        {
            return await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _fetches.TryRemove(new KeyValuePair<string, Task<ReadOnlyMemory<byte>>>(file, fetch));
        }
    }

    // Shared by every reader waiting on the part, so it runs to the end whoever cancels.
    private async Task<ReadOnlyMemory<byte>> FetchAndStoreAsync(string path, string file, long index, int partLength)
    {
        var data = await Inner.GetRangeAsync(path, index * _partSize, partLength, CancellationToken.None).ConfigureAwait(false);
        if (data.Length != partLength)
        {
            _checked.TryRemove(path, out _);
            ThrowHelper.Data($"{path}: the store returned {data.Length} bytes for cache part {index}, {partLength} expected from the object's size: the object changed under the cache");
        }

        Interlocked.Add(ref _fetchedBytes, data.Length);
        await StorePartAsync(file, data).ConfigureAwait(false);
        return data;
    }

    private async ValueTask StorePartAsync(string file, ReadOnlyMemory<byte> data)
    {
        var header = new byte[PartFile.HeaderLength(data.Length)];
        PartFile.WriteHeader(header, data.Span);
        await _storage.TryWriteAsync(file, header, data).ConfigureAwait(false);
    }

    // After a put this process made: the parts, then the head that makes them count.
    private async ValueTask StoreWrittenAsync(ObjectMeta meta, ReadOnlyMemory<byte> data)
    {
        for (var index = 0; (long)index * _partSize < data.Length; index++)
        {
            var start = index * _partSize;
            await StorePartAsync(PartFileOf(meta.Path, index), data.Slice(start, Math.Min(_partSize, data.Length - start))).ConfigureAwait(false);
        }

        await _storage.TryWriteAsync(Path.Combine(ObjectFolder(meta.Path), DiskCacheStorage.HeadName), PartFile.EncodeHead(meta.Size, meta.ETag), ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
        _checked[meta.Path] = meta;
    }

    private enum CachedRead
    {
        Missing,
        Hit,
        Damaged,
    }

    /// <summary>
    /// Passes a streaming write through and makes the cache agree with it. Without
    /// <see cref="ObjectStoreCacheOptions.CachePuts"/>, completing drops whatever the path held.
    /// With it, each part enters the cache as soon as it is full (memory stays one part, whatever
    /// the object's size) and the head, which makes the parts count, only once the object is
    /// complete: parts without a head are disowned by the next check (see RFC 0023), so an
    /// aborted or crashed write leaves nothing that is ever served.
    /// </summary>
    private sealed class CachingWriter(DiskCachedObjectStore cache, IObjectWriter inner) : IObjectWriter
    {
        private byte[]? _part;
        private int _filled;
        private long _index;
        private bool _completed;

        public string Path => inner.Path;

        public long BytesWritten => inner.BytesWritten;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            while (cache._cachePuts && data.Length > 0)
            {
                _part ??= ArrayPool<byte>.Shared.Rent(cache._partSize);
                var n = Math.Min(data.Length, cache._partSize - _filled);
                data.Span[..n].CopyTo(_part.AsSpan(_filled));
                _filled += n;
                data = data[n..];
                if (_filled == cache._partSize)
                {
                    await cache.StorePartAsync(cache.PartFileOf(Path, _index++), _part.AsMemory(0, _filled)).ConfigureAwait(false);
                    _filled = 0;
                }
            }
        }

        public async ValueTask<ObjectMeta> CompleteAsync(CancellationToken cancellationToken = default)
        {
            ObjectMeta meta;
            try
            {
                meta = await inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await cache.ForgetAsync(Path).ConfigureAwait(false);
                throw;
            }

            _completed = true;
            if (!cache._cachePuts)
            {
                await cache.ForgetAsync(meta.Path).ConfigureAwait(false);
                return meta;
            }

            if (_filled > 0)
            {
                await cache.StorePartAsync(cache.PartFileOf(Path, _index), _part.AsMemory(0, _filled)).ConfigureAwait(false);
            }

            await cache._storage.TryWriteAsync(System.IO.Path.Combine(cache.ObjectFolder(meta.Path), DiskCacheStorage.HeadName), PartFile.EncodeHead(meta.Size, meta.ETag), ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
            cache._checked[meta.Path] = meta;
            Release();
            return meta;
        }

        public async ValueTask AbortAsync(CancellationToken cancellationToken = default)
        {
            Release();
            await inner.AbortAsync(cancellationToken).ConfigureAwait(false);
            await cache.ForgetAsync(Path).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            Release();
            await inner.DisposeAsync().ConfigureAwait(false);
            if (!_completed)
            {
                // Disposing an uncompleted writer aborts it: its parts must go too.
                await cache.ForgetAsync(Path).ConfigureAwait(false);
            }
        }

        private void Release()
        {
            if (_part is not null)
            {
                ArrayPool<byte>.Shared.Return(_part);
                _part = null;
            }
        }
    }
}

/// <summary>What a <see cref="DiskCachedObjectStore"/>'s reads found, and what its folder holds.</summary>
/// <param name="PartAccesses">Parts read through the cache.</param>
/// <param name="PartHits">Of those, parts served from disk.</param>
/// <param name="FetchedBytes">Bytes fetched from the object store on misses.</param>
/// <param name="CorruptParts">Cached parts that failed their checksums and were fetched again.</param>
/// <param name="CachedBytes">Bytes of the folder's cache files (all stores sharing it).</param>
/// <param name="CachedFiles">Files in the folder's cache (all stores sharing it).</param>
public readonly record struct DiskCacheStats(long PartAccesses, long PartHits, long FetchedBytes, long CorruptParts, long CachedBytes, int CachedFiles)
{
    /// <summary>Hits over accesses; 0 before any access.</summary>
    public double HitRatio => PartAccesses == 0 ? 0 : (double)PartHits / PartAccesses;
}
