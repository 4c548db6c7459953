using System.Runtime.InteropServices;

namespace SlateFast.ObjectStore;

/// <summary>
/// The few POSIX calls the local store needs and .NET does not expose: link(2) for
/// create-without-overwrite, flock(2) for cross-process compare-and-swap, fsync of a directory,
/// and stat(2) for an entity tag that includes the inode.
/// </summary>
internal static partial class Libc
{
    public const int EEXIST = 17;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EPERM = 1;
    public const int EXDEV = 18;
    public const int ENOTSUP = 95;
    public const int ENOSPC = 28;
    public const int EOPNOTSUPP = 95;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_CLOEXEC = 0x80000;
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_FOLLOW = 0x400;

    // Linux on arm64 numbers these two flags differently from x86-64 (and from the generic table).
    private static readonly bool s_arm64Flags = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    public static readonly int O_DIRECTORY = s_arm64Flags ? 0x4000 : 0x10000;
    public static readonly int O_NOFOLLOW = s_arm64Flags ? 0x8000 : 0x20000;

    /// <summary>Linux's O_TMPFILE (its __O_TMPFILE bit plus O_DIRECTORY): an inode without a name.</summary>
    public static readonly int O_TMPFILE = 0x400000 | O_DIRECTORY;
    public const int ELOOP = 40;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;
    public const int LOCK_EX = 2;
    public const int LOCK_UN = 8;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int Fdatasync(int fd);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Linkat(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatRaw(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int FstatRaw(int fd, byte* buffer);

    // On both Linux x86-64 and arm64, struct stat holds st_ino at byte 8, st_size at 48 and
    // st_mtim (seconds, nanoseconds) at 88; the struct is at most 144 bytes.
    private static readonly bool s_statLayoutKnown =
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    private static bool s_statUnavailable;

    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    public readonly record struct FileStat(ulong Inode, long Size, long MtimeNanoseconds);

    /// <summary>stat(2) of a path; null if it does not exist; false in <paramref name="supported"/> when stat is unusable here.</summary>
    public static unsafe FileStat? Stat(string path, out bool supported)
    {
        supported = s_statLayoutKnown && !s_statUnavailable;
        if (!supported)
        {
            return null;
        }

        byte* buffer = stackalloc byte[256];
        try
        {
            if (StatRaw(path, buffer) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == ENOENT || errno == 20 /* ENOTDIR */ ? null : throw new IOException($"stat failed with errno {errno}");
            }
        }
        catch (EntryPointNotFoundException)
        {
            s_statUnavailable = true;
            supported = false;
            return null;
        }

        return Decode(buffer);
    }

    /// <summary>fstat(2) of an open descriptor; null when stat is unusable here.</summary>
    public static unsafe FileStat? Fstat(SafeHandle handle)
    {
        if (!s_statLayoutKnown || s_statUnavailable)
        {
            return null;
        }

        byte* buffer = stackalloc byte[256];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (FstatRaw((int)handle.DangerousGetHandle(), buffer) != 0)
            {
                throw new IOException($"fstat failed with errno {Marshal.GetLastPInvokeError()}");
            }
        }
        catch (EntryPointNotFoundException)
        {
            s_statUnavailable = true;
            return null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return Decode(buffer);
    }

    private static unsafe FileStat Decode(byte* buffer)
    {
        var inode = *(ulong*)(buffer + 8);
        var size = *(long*)(buffer + 48);
        var seconds = *(long*)(buffer + 88);
        var nanos = *(long*)(buffer + 96);
        return new FileStat(inode, size, (seconds * 1_000_000_000) + nanos);
    }

    /// <summary>fsync(2) of a directory so a rename or link in it survives a power loss.</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = Open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new IOException($"open directory {directory} failed with errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync directory {directory} failed with errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            Close(fd);
        }
    }
}
