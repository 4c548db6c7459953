using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SlateFast.Tests.Support;

/// <summary>
/// tools/powercut-fs mounted over a folder of its own: a pass-through FUSE filesystem that models
/// what is durable (file contents as of their fsync, folder entries as of the folder's fsync) and
/// on <see cref="CutAsync"/> rewrites its backing folder to exactly that, as a power cut would.
/// </summary>
public sealed class PowerCutFs : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _daemon;
    private readonly Socket _control;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private PowerCutFs(string mountPoint, Process daemon, Socket control)
    {
        MountPoint = mountPoint;
        _daemon = daemon;
        _control = control;
        var stream = new NetworkStream(control, ownsSocket: false);
        _reader = new StreamReader(stream, Encoding.UTF8);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>The folder to use as if it were a disk.</summary>
    public string MountPoint { get; }

    public static string Tool => Path.Combine(RepoPaths.Root, "tools", "powercut-fs", "powercutfs.py");

    /// <summary>Why the filesystem cannot run here, or null when it can (scripts/install-deps installs what it needs).</summary>
    public static string? Unavailable()
    {
        if (!File.Exists("/dev/fuse"))
        {
            return "no /dev/fuse";
        }

        if (!File.Exists(Python))
        {
            return $"no {Python}";
        }

        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import fusepy"]) { RedirectStandardError = true })!;
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : "python3-fusepy is not installed (scripts/install-deps installs it)";
    }

    /// <summary>Mounts a fresh, empty filesystem under <paramref name="folder"/>.</summary>
    public static async Task<PowerCutFs> MountAsync(string folder)
    {
        var backing = Path.Combine(folder, "backing");
        var mount = Path.Combine(folder, "mnt");
        var control = Path.Combine(folder, "control.sock");
        Directory.CreateDirectory(backing);
        Directory.CreateDirectory(mount);
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Tool, backing, mount, control })
        {
            info.ArgumentList.Add(a);
        }

        var daemon = Process.Start(info)!;
        var stderr = daemon.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The daemon prints "mounted" from the filesystem's init, once the kernel serves the mount.
        var line = await daemon.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "mounted")
        {
            daemon.Kill();
            throw new InvalidOperationException($"powercutfs did not mount: said '{line}', stderr: {await stderr}");
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(control), timeout.Token);
        return new PowerCutFs(mount, daemon, socket);
    }

    /// <summary>
    /// Cuts the power: the filesystem keeps only what was durable (with <paramref name="keep"/> &gt; 0,
    /// each folder and file keeps its unsynced state with that probability). Every process that used
    /// the mount must have exited; open handles of this process on the mount go stale.
    /// </summary>
    public async Task<CutReport> CutAsync(int seed, double keep = 0)
    {
        // A request through the mount after every earlier one: the daemon serves them in order, so
        // nothing a killed process sent is still to be applied after the cut.
        _ = Directory.Exists(Path.Combine(MountPoint, ".barrier"));
        var answer = await AskAsync(FormattableString.Invariant($"cut {seed} {keep}"));
        using var json = JsonDocument.Parse(answer);
        var root = json.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"power cut failed: {error.GetString()}");
        }

        return new CutReport(root.GetProperty("names_lost").GetInt32(), root.GetProperty("files_rolled_back").GetInt32(), root.GetProperty("bytes_lost").GetInt64());
    }

    /// <summary>The daemon's counters (cuts, fsync, fsyncdir, names_lost, files_rolled_back, bytes_lost) as JSON.</summary>
    public Task<string> StatsAsync() => AskAsync("stats");

    private async Task<string> AskAsync(string command)
    {
        await _writer.WriteLineAsync(command);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await _reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"powercutfs closed the control socket (exit {(_daemon.HasExited ? _daemon.ExitCode : -1)})");
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        using (var umount = Process.Start(new ProcessStartInfo("umount", ["-l", MountPoint]) { RedirectStandardError = true })!)
        {
            await umount.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _daemon.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _daemon.Kill();
        }

        _daemon.Dispose();
    }
}

/// <summary>What a cut took away: folder entries never synced, files rolled back to their last fsync, and bytes dropped.</summary>
public sealed record CutReport(int NamesLost, int FilesRolledBack, long BytesLost);
