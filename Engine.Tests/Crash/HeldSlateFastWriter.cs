using System.Globalization;
using SlateFast.Tests.Interop;

namespace SlateFast.Tests.Crash;

/// <summary>
/// A SlateFast writer held open in another process (TestHost <c>db-hold</c>), answering like
/// slatedb-interop's <c>hold-writer</c>: <c>ok</c> or <c>error &lt;Kind&gt;:&lt;CloseReason&gt; &lt;message&gt;</c>.
/// </summary>
public sealed class HeldSlateFastWriter : IDisposable
{
    private readonly HostProcess _host;

    private HeldSlateFastWriter(HostProcess host) => _host = host;

    /// <param name="flushInterval">Long intervals keep non-durable puts buffered until something forces a flush.</param>
    public static async Task<HeldSlateFastWriter> StartAsync(string root, string db, TimeSpan? flushInterval = null)
    {
        var host = HostProcess.Start("db-hold", root, db, "--flush-interval-ms", (flushInterval ?? TimeSpan.FromMilliseconds(100)).TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        var ready = await host.ExpectLineAsync();
        if (ready != "ready")
        {
            host.Dispose();
            throw new InvalidOperationException($"db-hold did not report ready but: {ready}\n{host.Stderr}");
        }

        return new HeldSlateFastWriter(host);
    }

    public string Stderr => _host.Stderr;

    /// <summary>A durable put: returns once its WAL object is stored, or with the error that stopped it.</summary>
    public async Task<SlateDbPutOutcome> PutAsync(byte[] key, byte[] value) =>
        SlateDbPutOutcome.Parse(await _host.AskAsync($"put {Convert.ToHexStringLower(key)} {Convert.ToHexStringLower(value)}"));

    /// <summary>A put that returns once the memtable holds it (AwaitDurable = false).</summary>
    public async Task<SlateDbPutOutcome> PutNoWaitAsync(byte[] key, byte[] value) =>
        SlateDbPutOutcome.Parse(await _host.AskAsync($"put-nowait {Convert.ToHexStringLower(key)} {Convert.ToHexStringLower(value)}"));

    public async Task<SlateDbPutOutcome> FlushMemtableAsync() => SlateDbPutOutcome.Parse(await _host.AskAsync("flush-memtable"));

    /// <summary>CloseAsync in the child, which then exits 0.</summary>
    public async Task<SlateDbPutOutcome> CloseAsync()
    {
        var outcome = SlateDbPutOutcome.Parse(await _host.AskAsync("close"));
        Assert.Equal(0, await _host.WaitForExitAsync());
        return outcome;
    }

    public void Dispose() => _host.Dispose();
}
