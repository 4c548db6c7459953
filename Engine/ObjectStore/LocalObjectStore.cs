using System.Runtime.InteropServices;

namespace SlateFast.ObjectStore;

/// <summary>
/// Objects as files under a root folder: the embedded default. The file layout is the one
/// SlateDB's local object store uses (path segments are folders), so either engine opens a
/// database the other wrote.
/// </summary>
/// <remarks>
/// <para>Every write goes to a file without its name, is fsynced, and only then appears under its
/// name: overwrites rename(2) a temporary file under <c>.slatefast-tmp/</c>; create-if-absent
/// links an unnamed (O_TMPFILE) file on Linux, or that temporary file elsewhere, and the link
/// fails atomically when the name exists, across processes (RFC 0002, RFC 0021). The folder is
/// fsynced after the name changes. A crash therefore leaves each object either absent or whole.</para>
/// <para>Compare-and-swap (and the plain writes and deletes it must not interleave with) holds
/// an flock(2) on one of 64 lock files under <c>.slatefast-locks/</c>, so it is atomic across
/// processes on one machine. It is not atomic across machines sharing a network filesystem.</para>
/// <para>Entity tags combine inode, modification time in nanoseconds and size; every write
/// creates a new inode, so a replaced object never keeps its tag.</para>
/// </remarks>
public sealed class LocalObjectStore : IObjectStore
{
    private const string TempFolder = ".slatefast-tmp";
    private const string LockFolder = ".slatefast-locks";
    private const int LockStripes = 64;

    private readonly string _root;
    private readonly string _tempDir;
    private readonly string _lockDir;

    // Folders this process has made durable: created if missing, and their name fsynced into the
    // parent. Whoever created a folder, a process that links an object into it first makes the
    // folder's own name durable, because the creator may have been killed before its fsync.
    // Folders are never removed by the store, so an entry never goes stale. The scratch folders are
    // kept here too once made (see Scratch), without a sync: nothing acknowledged lives in them.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _durableFolders = new(StringComparer.Ordinal);

    // Whether create-if-absent writes unnamed files (TryPutUnnamed); cleared for good the first
    // time the filesystem refuses one. Tests clear it to cover the named-file protocol.
    private volatile bool _unnamedFiles = OperatingSystem.IsLinux();

    // Folders below the root checked not to be symbolic links (reads refuse links; see OpenRead).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _plainFolders = new(StringComparer.Ordinal);

    /// <summary>Opens (creating if needed) a store rooted at <paramref name="root"/>.</summary>
    public LocalObjectStore(string root)
    {
        if (string.IsNullOrWhiteSpace(root))
        {
            ThrowHelper.Invalid("local object store root must not be empty");
        }

        if (!Libc.IsSupported)
        {
            ThrowHelper.Invalid($"the local object store needs a POSIX system; {RuntimeInformation.OSDescription} is not supported");
        }

        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _tempDir = Path.Combine(_root, TempFolder);
        _lockDir = Path.Combine(_root, LockFolder);
        try
        {
            // The root and every folder above it, up to '/', are made durable once per process: a
            // root that did not exist (or whose creator died before syncing it) would otherwise
            // vanish with every acknowledged object in it at a power cut.
            MakeDurableChain(_root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("open", root, e);
        }
    }

    /// <summary>Whether create-if-absent writes unnamed files; tests turn it off to cover the named-file protocol.</summary>
    internal bool UnnamedFiles
    {
        get => _unnamedFiles;
        set => _unnamedFiles = value;
    }

    /// <summary>The absolute root folder.</summary>
    public string Root => _root;

    /// <inheritdoc/>
    public override string ToString() => $"file://{_root}";

    /// <inheritdoc/>
    public ValueTask<ObjectMeta> PutAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var target = Resolve(path);
        cancellationToken.ThrowIfCancellationRequested();
        var temp = WriteTemp(path, data.Span);
        try
        {
            EnsureDirectory(Path.GetDirectoryName(target)!);
            using (LockFor(path))
            {
                File.Move(temp, target, overwrite: true);
                temp = null;
                Libc.FsyncDirectory(Path.GetDirectoryName(target)!);
                return ValueTask.FromResult(MetaOf(path, target) ?? throw Wrap("put", path, new IOException("object vanished after write")));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("put", path, e);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <inheritdoc/>
    public ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var target = Resolve(path);
        cancellationToken.ThrowIfCancellationRequested();
        if (File.Exists(target))
        {
            return ValueTask.FromResult(PutResult.Exists);
        }

        if (_unnamedFiles)
        {
            try
            {
                if (TryPutUnnamed(path, target, data.Span) is { } put)
                {
                    return ValueTask.FromResult(put);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Wrap("put-if-absent", path, e);
            }
        }

        var temp = WriteTemp(path, data.Span);
        try
        {
            var dir = Path.GetDirectoryName(target)!;
            EnsureDirectory(dir);

            // The tag must be read while the temp name still refers to our inode: once linked,
            // another writer may already have replaced the target.
            var etag = ETagOf(temp) ?? throw new IOException("temporary file vanished");
            if (Libc.Link(temp, target) == 0)
            {
                Libc.FsyncDirectory(dir);
                return ValueTask.FromResult(PutResult.Success(etag));
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EEXIST)
            {
                // The winner may not have synced its name yet (or died before it could): the caller
                // acts on "exists" (a writer is fenced by it), so the name it saw must outlive a power cut.
                Libc.FsyncDirectory(dir);
                return ValueTask.FromResult(PutResult.Exists);
            }

            if (errno is Libc.EPERM or Libc.ENOTSUP or Libc.EXDEV)
            {
                // A filesystem without hard links: fall back to check-and-rename under the stripe lock,
                // which is atomic against every SlateFast process but not against foreign writers.
                using (LockFor(path))
                {
                    if (File.Exists(target))
                    {
                        return ValueTask.FromResult(PutResult.Exists);
                    }

                    File.Move(temp, target, overwrite: false);
                    temp = null;
                    Libc.FsyncDirectory(dir);
                    return ValueTask.FromResult(PutResult.Success(etag));
                }
            }

            throw new IOException($"link failed with errno {errno}", errno);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("put-if-absent", path, e);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <inheritdoc/>
    public ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default)
    {
        var target = Resolve(path);
        ArgumentNullException.ThrowIfNull(etag);
        cancellationToken.ThrowIfCancellationRequested();
        if (ETagOf(target) != etag)
        {
            return ValueTask.FromResult(PutResult.Failed);
        }

        var temp = WriteTemp(path, data.Span);
        try
        {
            EnsureDirectory(Path.GetDirectoryName(target)!);
            using (LockFor(path))
            {
                if (ETagOf(target) != etag)
                {
                    return ValueTask.FromResult(PutResult.Failed);
                }

                var newTag = ETagOf(temp) ?? throw new IOException("temporary file vanished");
                File.Move(temp, target, overwrite: true);
                temp = null;
                Libc.FsyncDirectory(Path.GetDirectoryName(target)!);
                return ValueTask.FromResult(PutResult.Success(newTag));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("put-if-match", path, e);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ObjectData?> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        var target = Resolve(path);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var handle = OpenRead(path, target);
            if (handle is null)
            {
                return ValueTask.FromResult<ObjectData?>(null);
            }

            var meta = MetaOf(path, handle, target);
            if (meta.Size > Array.MaxLength)
            {
                throw new IOException($"object of {meta.Size} bytes is too large to read whole; use ranged reads");
            }

            var buffer = GC.AllocateUninitializedArray<byte>((int)meta.Size);
            var read = ReadFully(handle, buffer, 0);
            return ValueTask.FromResult<ObjectData?>(new ObjectData(buffer.AsMemory(0, read), meta with { Size = read }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("get", path, e);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ReadOnlyMemory<byte>> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        CheckRange(offset, length);
        var target = Resolve(path);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var handle = OpenRead(path, target) ?? throw new ObjectNotFoundException(path);
            var size = RandomAccess.GetLength(handle);
            var available = (int)Math.Clamp(size - offset, 0, length);
            if (available == 0)
            {
                return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
            }

            var buffer = GC.AllocateUninitializedArray<byte>(available);
            var read = ReadFully(handle, buffer, offset);
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(buffer.AsMemory(0, read));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("get-range", path, e);
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> ReadRangeAsync(string path, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        CheckRange(offset, destination.Length);
        var target = Resolve(path);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var handle = OpenRead(path, target) ?? throw new ObjectNotFoundException(path);
            return ValueTask.FromResult(ReadFully(handle, destination.Span, offset));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("get-range", path, e);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ObjectMeta?> HeadAsync(string path, CancellationToken cancellationToken = default)
    {
        var target = Resolve(path);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return ValueTask.FromResult(MetaOf(path, target));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("head", path, e);
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
        var slash = prefix.LastIndexOf('/');
        var dir = slash < 0 ? _root : Path.Combine(_root, prefix[..slash]);
        if (!Directory.Exists(dir))
        {
            return ValueTask.FromResult(new ListPage([], null));
        }

        try
        {
            var keys = new List<string>();
            // Symbolic links are skipped: the store never creates one, and one planted in the root could
            // otherwise list (and so hand out names of) files outside it.
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            foreach (var file in Directory.EnumerateFiles(dir, "*", options))
            {
                var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (key.StartsWith(ObjectPath.ReservedPrefix, StringComparison.Ordinal)
                    || !key.StartsWith(prefix, StringComparison.Ordinal)
                    || (continuationToken is not null && string.CompareOrdinal(key, continuationToken) <= 0))
                {
                    continue;
                }

                keys.Add(key);
            }

            keys.Sort(StringComparer.Ordinal);
            var objects = new List<ObjectMeta>(Math.Min(keys.Count, pageSize));
            foreach (var key in keys)
            {
                if (objects.Count == pageSize)
                {
                    break;
                }

                // An object deleted between enumeration and stat is simply not listed.
                if (MetaOf(key, Path.Combine(_root, key)) is { } meta)
                {
                    objects.Add(meta);
                }
            }

            var more = keys.Count > pageSize;
            return ValueTask.FromResult(new ListPage(objects, more ? objects[^1].Path : null));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("list", prefix, e);
        }
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var target = Resolve(path);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using (LockFor(path))
            {
                if (File.Exists(target))
                {
                    File.Delete(target);
                    Libc.FsyncDirectory(Path.GetDirectoryName(target)!);
                }
            }

            return ValueTask.CompletedTask;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("delete", path, e);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default)
    {
        var target = Resolve(path);
        cancellationToken.ThrowIfCancellationRequested();
        var temp = NewTempPath();
        try
        {
            var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 64 * 1024,
            });
            return ValueTask.FromResult<IObjectWriter>(new Writer(this, path, target, temp, stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Wrap("open-writer", path, e);
        }
    }

    private string Resolve(string path)
    {
        ObjectPath.Validate(path);
        var full = Path.Combine(_root, path);

        // Validation already rules out '..' and absolute paths; this is the belt to those braces.
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            ThrowHelper.Invalid($"invalid object path {ObjectPath.Quote(path)}: it escapes the store root");
        }

        return full;
    }

    private static void CheckRange(long offset, int length)
    {
        if (offset < 0 || length < 0)
        {
            ThrowHelper.Invalid($"invalid range: offset {offset}, length {length}");
        }
    }

    private string NewTempPath() => Path.Combine(Scratch(_tempDir), Guid.NewGuid().ToString("N") + ".tmp");

    // The scratch folders (temporary files, lock stripes) are made on the first write that needs
    // them, so reading works on read-only storage and leaves nothing behind. Their names need not
    // be durable: nothing acknowledged lives in them.
    private string Scratch(string dir)
    {
        if (!_durableFolders.ContainsKey(dir))
        {
            Directory.CreateDirectory(dir);
            _durableFolders.TryAdd(dir, true);
        }

        return dir;
    }

    private string WriteTemp(string path, ReadOnlySpan<byte> data)
    {
        var temp = NewTempPath();
        try
        {
            using var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = data.Length,
            });
            stream.Write(data);
            stream.Flush(flushToDisk: true);
            return temp;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(temp);
            throw Wrap("put", path, e);
        }
    }

    // Create-if-absent through a file that never had a name (O_TMPFILE, RFC 0021): written and
    // fdatasynced in the target's folder, then given its name by linkat(2), which fails when the
    // name exists, and the folder fsynced. That is the same two durability points as the named
    // temporary file, without creating and unlinking a name: on ext4 that create cost about as much
    // as both fsyncs together. Null when the filesystem has no unnamed files (FUSE, NFS, older
    // kernels); the store then uses named temporary files from then on.
    private PutResult? TryPutUnnamed(string path, string target, ReadOnlySpan<byte> data)
    {
        var dir = Path.GetDirectoryName(target)!;
        EnsureDirectory(dir);
        var fd = Libc.Open(dir, Libc.O_TMPFILE | Libc.O_WRONLY | Libc.O_CLOEXEC, 0b110_100_100);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Libc.EOPNOTSUPP or Libc.EISDIR or Libc.EINVAL)
            {
                _unnamedFiles = false;
                return null;
            }

            throw new IOException($"open of an unnamed file in {dir} failed with errno {errno}", errno);
        }

        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.Write(handle, data, 0);
        if (Libc.Fdatasync(fd) != 0)
        {
            throw new IOException($"fdatasync failed with errno {Marshal.GetLastPInvokeError()}");
        }

        var etag = Libc.Fstat(handle) is { } stat ? FormatTag(stat) : null;
        if (Libc.Linkat(Libc.AT_FDCWD, $"/proc/self/fd/{fd}", Libc.AT_FDCWD, target, Libc.AT_SYMLINK_FOLLOW) == 0)
        {
            Libc.FsyncDirectory(dir);
            return PutResult.Success(etag ?? ETagOf(target) ?? throw new IOException("object vanished after write"));
        }

        var linkErrno = Marshal.GetLastPInvokeError();
        if (linkErrno == Libc.EEXIST)
        {
            // As below: the caller acts on "exists", so the name it saw must outlive a power cut.
            Libc.FsyncDirectory(dir);
            return PutResult.Exists;
        }

        if (linkErrno is Libc.EPERM or Libc.EACCES or Libc.ENOTSUP or Libc.EXDEV
            || (linkErrno == Libc.ENOENT && !Directory.Exists("/proc/self/fd")))
        {
            // No /proc to name the descriptor by, or a filesystem without links: named files from now on.
            _unnamedFiles = false;
            return null;
        }

        throw new IOException($"linkat failed with errno {linkErrno}", linkErrno);
    }

    private void EnsureDirectory(string dir)
    {
        if (_durableFolders.ContainsKey(dir))
        {
            return;
        }

        if (dir.Length <= _root.Length)
        {
            // Only the root itself can get here (every object path resolves below it): it was made
            // durable when the store opened.
            return;
        }

        EnsureDirectory(Path.GetDirectoryName(dir)!);
        MakeDurable(dir);
    }

    // Creates the folder if it is missing and fsyncs its parent, so its name survives a power cut
    // even when another process created it and was killed before syncing.
    private void MakeDurable(string dir, bool bestEffort = false)
    {
        var existed = Directory.Exists(dir);
        Directory.CreateDirectory(dir);
        if (Path.GetDirectoryName(dir) is { } parent)
        {
            try
            {
                Libc.FsyncDirectory(parent);
            }
            catch (IOException) when (bestEffort && existed)
            {
                // The root and the folders above it, when they were already there, may sit in a
                // parent this user cannot open (EACCES); a folder we just created is never skipped.
            }
        }

        _durableFolders.TryAdd(dir, true);
    }

    private void MakeDurableChain(string dir)
    {
        if (Path.GetDirectoryName(dir) is { } parent)
        {
            MakeDurableChain(parent);
        }

        MakeDurable(dir, bestEffort: true);
    }

    // Reads never follow a symbolic link inside the root, as listing never lists one: the store
    // creates none, and a planted link would hand out a file outside the root. The object's own
    // name is opened with O_NOFOLLOW; its folders are checked once per process.
    private Microsoft.Win32.SafeHandles.SafeFileHandle? OpenRead(string path, string target)
    {
        RefuseLinkedFolders(path, Path.GetDirectoryName(target)!);
        var fd = Libc.Open(target, Libc.O_RDONLY | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, 0);
        if (fd >= 0)
        {
            return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            Libc.ENOENT or Libc.ENOTDIR => null,
            Libc.ELOOP => throw LinkRefused(path),
            Libc.EACCES or Libc.EPERM => throw new UnauthorizedAccessException($"permission denied opening {target}"),
            _ => throw new IOException($"open {target} failed with errno {errno}", errno),
        };
    }

    private void RefuseLinkedFolders(string path, string dir)
    {
        if (dir.Length <= _root.Length || _plainFolders.ContainsKey(dir))
        {
            return;
        }

        RefuseLinkedFolders(path, Path.GetDirectoryName(dir)!);
        var info = new DirectoryInfo(dir);
        if (info.Exists && info.LinkTarget is not null)
        {
            throw LinkRefused(path);
        }

        if (info.Exists)
        {
            _plainFolders.TryAdd(dir, true);
        }
    }

    private SlateFastException LinkRefused(string path) => new(
        ErrorKind.Invalid,
        $"object {ObjectPath.Quote(path)} in the local store {_root} is reached through a symbolic link; the store never follows links inside its root, as one could expose a file outside it");

    private static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static string? ETagOf(string file)
    {
        var stat = Libc.Stat(file, out var supported);
        if (supported)
        {
            return stat is { } s ? FormatTag(s) : null;
        }

        var info = new FileInfo(file);
        return info.Exists ? $"{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}" : null;
    }

    private static string FormatTag(Libc.FileStat s) => $"{s.Inode:x}-{s.MtimeNanoseconds:x}-{s.Size:x}";

    private static ObjectMeta? MetaOf(string path, string file)
    {
        var stat = Libc.Stat(file, out var supported);
        if (supported)
        {
            return stat is { } s ? new ObjectMeta(path, s.Size, FormatTag(s), FromNanos(s.MtimeNanoseconds)) : null;
        }

        var info = new FileInfo(file);
        return info.Exists
            ? new ObjectMeta(path, info.Length, $"{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}", info.LastWriteTimeUtc)
            : null;
    }

    private static ObjectMeta MetaOf(string path, Microsoft.Win32.SafeHandles.SafeFileHandle handle, string file)
    {
        if (Libc.Fstat(handle) is { } s)
        {
            return new ObjectMeta(path, s.Size, FormatTag(s), FromNanos(s.MtimeNanoseconds));
        }

        var info = new FileInfo(file);
        var size = RandomAccess.GetLength(handle);
        return new ObjectMeta(path, size, $"{info.LastWriteTimeUtc.Ticks:x}-{size:x}", info.LastWriteTimeUtc);
    }

    private static DateTimeOffset FromNanos(long nanos) => DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);

    private StripeLock LockFor(string path)
    {
        // string.GetHashCode is randomized per process; the stripe must be the same in every
        // process, so hash with FNV-1a.
        var stripe = Fnv1a(path) % LockStripes;
        var file = Path.Combine(Scratch(_lockDir), $"stripe-{stripe:d2}.lock");
        var fd = Libc.Open(file, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0)
        {
            throw new IOException($"open lock file {file} failed with errno {Marshal.GetLastPInvokeError()}");
        }

        while (Libc.Flock(fd, Libc.LOCK_EX) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR)
            {
                Libc.Close(fd);
                throw new IOException($"flock {file} failed with errno {errno}");
            }
        }

        return new StripeLock(fd);
    }

    private static uint Fnv1a(string s)
    {
        var hash = 2166136261u;
        foreach (var c in s)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private readonly struct StripeLock(int fd) : IDisposable
    {
        // Closing the descriptor releases the flock.
        public void Dispose() => Libc.Close(fd);
    }

    private static void DeleteQuietly(string? file)
    {
        if (file is null)
        {
            return;
        }

        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private const int EROFS = 30;
    private const int ENAMETOOLONG = 36;

    private static ObjectStoreException Wrap(string operation, string path, Exception e)
    {
        // Disk full and permission problems do not go away by retrying; other I/O errors might.
        var errno = e.HResult & 0xFFFF;
        var transient = e is IOException && errno != Libc.ENOSPC && e is not FileNotFoundException && e is not DirectoryNotFoundException;

        // .NET reports ENOSPC from a preallocating open as ERROR_DISK_FULL (112) with its own text.
        var diskFull = errno is Libc.ENOSPC or 112
            || e.Message.Contains("No space left", StringComparison.Ordinal)
            || e.Message.Contains("disk was full", StringComparison.Ordinal);
        var message = diskFull ? $"disk full (ENOSPC): {e.Message}" : e.Message;
        if (message.StartsWith("disk full", StringComparison.Ordinal))
        {
            transient = false;
        }

        // A file where a folder must be (or the reverse), a read-only filesystem, a name too long:
        // the layout is wrong and stays wrong, so retrying only delays the error (it took 9.4 s).
        if (errno is Libc.EEXIST or Libc.ENOTDIR or Libc.EISDIR or EROFS or ENAMETOOLONG)
        {
            transient = false;
            message = errno is Libc.EEXIST or Libc.ENOTDIR
                ? $"a path on the way to {ObjectPath.Quote(path)} is a file where a folder must be: {e.Message}"
                : e.Message;
        }

        return new ObjectStoreException(operation, path, transient, message, inner: e);
    }

    private sealed class Writer(LocalObjectStore store, string path, string target, string temp, FileStream stream) : IObjectWriter
    {
        private FileStream? _stream = stream;
        private bool _completed;

        public string Path => path;

        public long BytesWritten { get; private set; }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            var s = _stream ?? throw new SlateFastException(ErrorKind.Invalid, $"writer for {path} is already completed or aborted");
            try
            {
                await s.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                BytesWritten += data.Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await AbortAsync(CancellationToken.None).ConfigureAwait(false);
                throw Wrap("write", path, e);
            }
        }

        public async ValueTask<ObjectMeta> CompleteAsync(CancellationToken cancellationToken = default)
        {
            var s = _stream ?? throw new SlateFastException(ErrorKind.Invalid, $"writer for {path} is already completed or aborted");
            try
            {
                await s.FlushAsync(cancellationToken).ConfigureAwait(false);
                s.Flush(flushToDisk: true);
                await s.DisposeAsync().ConfigureAwait(false);
                _stream = null;
                var dir = System.IO.Path.GetDirectoryName(target)!;
                store.EnsureDirectory(dir);
                using (store.LockFor(path))
                {
                    File.Move(temp, target, overwrite: true);
                    _completed = true;
                    Libc.FsyncDirectory(dir);
                    return MetaOf(path, target) ?? throw new IOException("object vanished after write");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await AbortAsync(CancellationToken.None).ConfigureAwait(false);
                throw Wrap("complete", path, e);
            }
        }

        public async ValueTask AbortAsync(CancellationToken cancellationToken = default)
        {
            if (_stream is { } s)
            {
                _stream = null;
                try
                {
                    await s.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Disposing flushes what is still buffered, which fails again on a full disk;
                    // the bytes are being discarded anyway, and the handle is closed regardless.
                }
            }

            if (!_completed)
            {
                DeleteQuietly(temp);
            }
        }

        public ValueTask DisposeAsync() => _completed ? ValueTask.CompletedTask : AbortAsync();
    }
}
