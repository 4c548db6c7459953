using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SlateFast.Tests.Interop;

namespace SlateFast.Tests.Reader;

/// <summary>
/// SlateDB's <c>DbReader</c> kept open in a Node child (`slatedb.mjs follow`): it polls the
/// database on its own and answers gets. Dispose closes stdin, which shuts the reader down.
/// </summary>
internal sealed class SlateDbFollower : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private SlateDbFollower(Process process) => _process = process;

    public static async Task<SlateDbFollower> StartAsync(string root, string db)
    {
        await SlateDbNode.EnsureInstalledAsync();
        var node = Environment.GetEnvironmentVariable("SLATEFAST_NODE") ?? "node";
        var psi = NodeProcess.StartInfo(node, SlateDbNode.ToolDirectory, [Path.Combine(SlateDbNode.ToolDirectory, "slatedb.mjs"), "follow", root, db, "--poll-ms", "100"]);
        var follower = new SlateDbFollower(new Process { StartInfo = psi });
        follower._process.ErrorDataReceived += (_, e) =>
        {
            lock (follower._stderr)
            {
                follower._stderr.AppendLine(e.Data);
            }
        };
        follower._process.Start();
        follower._process.BeginErrorReadLine();
        var first = await follower.ReadLineAsync();
        if (first != "ready")
        {
            await follower.DisposeAsync();
            throw new SlateDbNodeException($"follow did not report ready but: {first}\n{follower.Stderr}");
        }

        return follower;
    }

    private string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The value SlateDB's reader returns for <paramref name="key"/> once it equals <paramref name="expected"/> (null: absent), or after 30 s whatever it returns then.</summary>
    public async Task<byte[]?> AwaitAsync(byte[] key, byte[]? expected)
    {
        await _process.StandardInput.WriteLineAsync($"await {Convert.ToHexStringLower(key)} {(expected is null ? "-" : Convert.ToHexStringLower(expected))}");
        await _process.StandardInput.FlushAsync();
        using var doc = JsonDocument.Parse(await ReadLineAsync());
        var value = doc.RootElement.GetProperty("value");
        return value.ValueKind == JsonValueKind.Null ? null : Convert.FromHexString(value.GetString()!);
    }

    private async Task<string> ReadLineAsync()
    {
        using var limit = new CancellationTokenSource(SlateDbNode.DefaultTimeout);
        return await _process.StandardOutput.ReadLineAsync(limit.Token)
            ?? throw new SlateDbNodeException($"follow exited unexpectedly\n{Stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var limit = new CancellationTokenSource(SlateDbNode.DefaultTimeout);
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            NodeProcess.KillTree(_process);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
