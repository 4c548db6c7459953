using System.Diagnostics;
using System.Text;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Crash;

/// <summary>
/// Engine.TestHost in a child process, driven line by line, with stderr kept for failure
/// messages. <see cref="Kill"/> is SIGKILL: no finally blocks, no flushes, exactly a crash.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromMinutes(2);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private HostProcess(Process process) => _process = process;

    public static HostProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the host with <paramref name="environment"/> added to this process's environment.</summary>
    public static HostProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(RepoPaths.TestHostDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var host = new HostProcess(new Process { StartInfo = info });
        host._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (host._stderr)
                {
                    host._stderr.AppendLine(e.Data);
                }
            }
        };
        host._process.Start();
        host._process.BeginErrorReadLine();
        return host;
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The next stdout line, or null at end of stream. A child silent for minutes is a hang and fails the test.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(s_hang);
        try
        {
            return await _process.StandardOutput.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"test host {_process.Id} hung: no line for {s_hang}; stderr:\n{Stderr}");
        }
    }

    /// <summary>The next line, which must exist (the child must not have died).</summary>
    public async Task<string> ExpectLineAsync() =>
        await ReadLineAsync() ?? throw new InvalidOperationException($"test host exited unexpectedly; stderr:\n{await StderrAfterExitAsync()}");

    /// <summary>Sends one request line and returns the answer line.</summary>
    public async Task<string> AskAsync(string request)
    {
        await _process.StandardInput.WriteLineAsync(request);
        await _process.StandardInput.FlushAsync();
        return await ExpectLineAsync();
    }

    /// <summary>Every line still buffered in the pipe after the child died (printed before the kill).</summary>
    public async Task<List<string>> DrainAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async Task<int> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(s_hang);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private async Task<string> StderrAfterExitAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return Stderr;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
