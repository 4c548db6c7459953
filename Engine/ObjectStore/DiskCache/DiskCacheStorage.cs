using System.Collections.Concurrent;

namespace SlateFast.ObjectStore.DiskCache;

/// <summary>
/// The cache's folder: its files, the bytes they take and which to remove when over budget. One
/// per folder per process while any store uses it (<see cref="Open"/>, <see cref="Release"/>), so
/// two databases sharing a folder share one budget and never count a file twice. The index is rebuilt from the folder when first opened
/// (the cache survives restarts), ordered by each file's last write; after that a read moves a
/// part to the front. Parts are removed least recently read first.
/// </summary>
internal sealed class DiskCacheStorage
{
    public const string HeadName = "sf-head";
    private const string PartPrefix = "sf-part-";
    private const string TempMarker = ".tmp-";

    // The folders some store uses, each with its count of users (guarded by this dictionary's
    // lock): when the last one is disposed the index goes, and the next open rebuilds it from the
    // folder as a new process would.
    private static readonly Dictionary<string, DiskCacheStorage> s_open = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Task _scan;
    // Guards admission and eviction: the budget check, the reservation and the removals happen
    // as one step, so concurrent writers cannot together overshoot the budget.
    private readonly Lock _budgetLock = new();
    private long _bytes;
    private long _clock;
    private long _maxBytes = long.MaxValue;
    private int _users;

    private DiskCacheStorage(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
        _scan = Task.Run(Scan);
        DiskCacheMetrics.Register(this);
    }

    public string Root { get; }

    /// <summary>Bytes of the cache's files, as the index counts them.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Files in the cache.</summary>
    public int Files => _entries.Count;

    public long MaxBytes => Interlocked.Read(ref _maxBytes);

    /// <summary>The storage of <paramref name="root"/>, whose budget becomes at most <paramref name="maxBytes"/>.</summary>
    public static DiskCacheStorage Open(string root, long maxBytes)
    {
        var folder = Path.GetFullPath(root);
        DiskCacheStorage? storage;
        lock (s_open)
        {
            if (!s_open.TryGetValue(folder, out storage))
            {
                storage = new DiskCacheStorage(folder);
                s_open[folder] = storage;
            }

            storage._users++;
        }

        long current;
        while (maxBytes < (current = storage.MaxBytes) && Interlocked.CompareExchange(ref storage._maxBytes, maxBytes, current) != current)
        {
        }

        return storage;
    }

    /// <summary>One user of the folder is done with it; the last one drops the index.</summary>
    public void Release()
    {
        lock (s_open)
        {
            if (--_users == 0 && s_open.TryGetValue(Root, out var open) && open == this)
            {
                s_open.Remove(Root);
            }
        }
    }

    public static string PartName(int partSize, long index) => $"{PartPrefix}{partSize / 1024}k-{index:D6}";

    /// <summary>Completes when the index holds every file that was in the folder at open.</summary>
    public Task Ready => _scan;

    /// <summary>Marks a part as just read, so eviction keeps it longest.</summary>
    public void Touch(string file)
    {
        if (_entries.TryGetValue(file, out var entry))
        {
            entry.LastAccess = Interlocked.Increment(ref _clock);
        }
    }

    /// <summary>
    /// Writes a file of <paramref name="header"/> then <paramref name="data"/> under the budget,
    /// removing least recently read parts first. False when it does not fit at all. The file
    /// appears whole or not at all (written aside, then renamed).
    /// </summary>
    public async ValueTask<bool> TryWriteAsync(string file, ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> data)
    {
        await _scan.ConfigureAwait(false);
        long length = header.Length + data.Length;
        if (!Reserve(file, length))
        {
            return false;
        }

        var temp = file + TempMarker + Guid.NewGuid().ToString("N");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, length))
            {
                RandomAccess.Write(handle, header.Span, 0);
                RandomAccess.Write(handle, data.Span, header.Length);
            }

            File.Move(temp, file, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a full or read-only disk costs hits, never a read.
            Forget(file);
            TryDeleteFile(temp);
            return false;
        }
    }

    /// <summary>Removes one file (a damaged part) from disk and index.</summary>
    public async ValueTask RemoveFileAsync(string file)
    {
        await _scan.ConfigureAwait(false);
        TryDeleteFile(file);
        Forget(file);
    }

    /// <summary>Removes every cached file of one object: its head and all its parts.</summary>
    public async ValueTask RemoveObjectAsync(string folder)
    {
        await _scan.ConfigureAwait(false);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in SafeFiles(folder))
        {
            if (IsCacheFile(Path.GetFileName(file)))
            {
                TryDeleteFile(file);
                Forget(file);
            }
        }

        TryDeleteFolder(folder);
    }

    private bool Reserve(string file, long length)
    {
        lock (_budgetLock)
        {
            var max = MaxBytes;
            if (length > max)
            {
                return false;
            }

            if (_entries.TryRemove(file, out var old))
            {
                Interlocked.Add(ref _bytes, -old.Bytes);
            }

            if (Bytes + length > max)
            {
                // Down to 90% of the budget, so eviction runs once per tenth of it rather than per part.
                EvictTo(max - (max / 10) - length);
            }

            _entries[file] = new Entry(length, IsHead(file), Interlocked.Increment(ref _clock));
            Interlocked.Add(ref _bytes, length);
            return true;
        }
    }

    private void EvictTo(long target)
    {
        foreach (var (file, entry) in _entries.Where(e => !e.Value.IsHead).OrderBy(e => e.Value.LastAccess).ToList())
        {
            if (Bytes <= target)
            {
                break;
            }

            TryDeleteFile(file);
            if (_entries.TryRemove(file, out var removed))
            {
                Interlocked.Add(ref _bytes, -removed.Bytes);
                DiskCacheMetrics.Evicted(removed.Bytes);
            }

            DropHeadIfNoParts(Path.GetDirectoryName(file)!);
        }
    }

    // A head without parts only costs a HEAD's worth of knowledge; removing it keeps heads of
    // objects long deleted elsewhere from piling up.
    private void DropHeadIfNoParts(string folder)
    {
        if (SafeFiles(folder).Any(f => Path.GetFileName(f).StartsWith(PartPrefix, StringComparison.Ordinal)))
        {
            return;
        }

        var head = Path.Combine(folder, HeadName);
        TryDeleteFile(head);
        Forget(head);
        TryDeleteFolder(folder);
    }

    private void Forget(string file)
    {
        if (_entries.TryRemove(file, out var entry))
        {
            Interlocked.Add(ref _bytes, -entry.Bytes);
        }
    }

    private void Scan()
    {
        var found = new List<(string File, long Bytes, DateTime Written)>();
        foreach (var info in new DirectoryInfo(Root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
        {
            if (info.Name.Contains(TempMarker, StringComparison.Ordinal))
            {
                // Left by a process that died mid-write.
                TryDeleteFile(info.FullName);
            }
            else if (IsCacheFile(info.Name))
            {
                found.Add((info.FullName, info.Length, info.LastWriteTimeUtc));
            }
        }

        foreach (var (file, bytes, _) in found.OrderBy(f => f.Written))
        {
            if (_entries.TryAdd(file, new Entry(bytes, IsHead(file), Interlocked.Increment(ref _clock))))
            {
                Interlocked.Add(ref _bytes, bytes);
            }
        }
    }

    private static bool IsCacheFile(string name) => name == HeadName || name.StartsWith(PartPrefix, StringComparison.Ordinal);

    private static bool IsHead(string file) => Path.GetFileName(file) == HeadName;

    private static IEnumerable<string> SafeFiles(string folder)
    {
        try
        {
            return Directory.GetFiles(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static void TryDeleteFile(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not empty (a concurrent write) or already gone: either is fine.
        }
    }

    private sealed class Entry(long bytes, bool isHead, long lastAccess)
    {
        public long Bytes { get; } = bytes;

        public bool IsHead { get; } = isHead;

        public long LastAccess { get; set; } = lastAccess;
    }
}
