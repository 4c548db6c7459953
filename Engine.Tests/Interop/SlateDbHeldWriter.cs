using System.Diagnostics;
using System.Text;

namespace SlateFast.Tests.Interop;

/// <summary>
/// A SlateDB writer kept open in a child process (`hold-writer`): each <see cref="PutAsync"/>
/// is one durable put, answered "ok" or with the engine's error, e.g. once another writer has
/// fenced it. Dispose closes stdin, which shuts the writer down.
/// </summary>
public sealed class SlateDbHeldWriter : IAsyncDisposable
{
    private readonly Process process;
    private readonly TimeSpan timeout;
    private readonly StringBuilder stderr = new();
    private readonly string description;

    private SlateDbHeldWriter(Process process, TimeSpan timeout, string description)
    {
        this.process = process;
        this.timeout = timeout;
        this.description = description;
    }

    /// <summary>What the process wrote to stderr so far (diagnostics only).</summary>
    public string Stderr
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    internal static async Task<SlateDbHeldWriter> StartAsync(ProcessStartInfo psi, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = new Process { StartInfo = psi };
        var writer = new SlateDbHeldWriter(process, timeout, NodeProcess.Describe(psi));
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (writer.stderr)
                {
                    writer.stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        try
        {
            var first = await writer.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (first != "ready")
            {
                throw new SlateDbNodeException($"`{writer.description}` did not report ready but: {first}\nstderr:\n{writer.Stderr}");
            }
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return writer;
    }

    /// <summary>One durable put; returns the writer's verdict instead of throwing on engine errors.</summary>
    public async Task<SlateDbPutOutcome> PutAsync(byte[] key, byte[] value, CancellationToken cancellationToken = default)
    {
        await process.StandardInput.WriteLineAsync(
            $"put {Convert.ToHexStringLower(key)} {Convert.ToHexStringLower(value)}".AsMemory(), cancellationToken).ConfigureAwait(false);
        await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        return SlateDbPutOutcome.Parse(await ReadLineAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            NodeProcess.KillTree(process);
            throw new SlateDbNodeException($"`{description}` gave no answer within {timeout.TotalSeconds:0} s and was killed.\nstderr:\n{Stderr}");
        }

        return line ?? throw new SlateDbNodeException($"`{description}` exited unexpectedly.\nstderr:\n{Stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            process.StandardInput.Close();
            using var limit = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            NodeProcess.KillTree(process);
        }
        finally
        {
            process.Dispose();
        }
    }
}
