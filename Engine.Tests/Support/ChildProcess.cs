using System.Diagnostics;

namespace SlateFast.Tests.Support;

/// <summary>A child process driven line by line over stdin/stdout; killed (SIGKILL) on dispose if still running.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public static ChildProcess StartDotnet(string dll, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}"));
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Reads the next stdout line; null at end of stream. Fails the test after <paramref name="timeout"/> (a hang, not a timing assert).</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            return await _process.StandardOutput.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"child {_process.Id} produced no line; stderr: {await ReadErrorsAsync()}");
        }
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGKILL: no finally blocks, no flushes, exactly like a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private async Task<string> ReadErrorsAsync()
    {
        if (!_process.HasExited)
        {
            return "(still running)";
        }

        return await _process.StandardError.ReadToEndAsync();
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
