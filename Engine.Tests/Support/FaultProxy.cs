using System.Net;
using System.Net.Sockets;

namespace SlateFast.Tests.Support;

/// <summary>What <see cref="FaultProxy"/> does to the traffic it relays.</summary>
public enum ProxyFault
{
    /// <summary>Relays both ways untouched.</summary>
    None,

    /// <summary>Holds every chunk from the server for <see cref="FaultProxy.Latency"/> first.</summary>
    Latency,

    /// <summary>Resets (RST) every connection as soon as it carries data.</summary>
    Reset,

    /// <summary>Accepts and reads requests but never relays them: the client waits for an answer that never comes.</summary>
    Stall,

    /// <summary>Relays the first few hundred bytes of an answer, then closes: a body cut in the middle.</summary>
    Truncate,
}

/// <summary>
/// A TCP proxy on 127.0.0.1 between a client and a server that injects network faults, switchable
/// while connections are open: latency, connection resets, stalls with no answer and truncated
/// answers.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private volatile ProxyFault _fault;
    private long _connections;
    private long _faultsInjected;

    public FaultProxy(Uri upstream)
    {
        _upstream = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        _listener.Start();
        Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptAsync();
    }

    public string Endpoint { get; }

    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(300);

    public ProxyFault Fault
    {
        get => _fault;
        set => _fault = value;
    }

    public long Connections => Interlocked.Read(ref _connections);

    public long FaultsInjected => Interlocked.Read(ref _faultsInjected);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = RelayAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lock (_sockets)
        {
            _sockets.Add(client);
            _sockets.Add(server);
        }

        try
        {
            await server.ConnectAsync(_upstream, _stop.Token);
            var up = PumpAsync(client, server, fromServer: false);
            var down = PumpAsync(server, client, fromServer: true);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool fromServer)
    {
        var buffer = new byte[16 * 1024];
        var relayed = 0L;
        while (true)
        {
            var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            switch (_fault)
            {
                case ProxyFault.Reset:
                    Interlocked.Increment(ref _faultsInjected);
                    // Linger 0 makes close send RST instead of FIN.
                    (fromServer ? to : from).LingerState = new LingerOption(true, 0);
                    (fromServer ? to : from).Close();
                    return;
                case ProxyFault.Stall:
                    Interlocked.Increment(ref _faultsInjected);
                    // Swallow what comes and never answer; the connection stays open until the
                    // client gives up or the proxy is disposed.
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                case ProxyFault.Latency when fromServer:
                    await Task.Delay(Latency, _stop.Token);
                    break;
                case ProxyFault.Truncate when fromServer && relayed + n > 300:
                    Interlocked.Increment(ref _faultsInjected);
                    var keep = (int)Math.Max(0, 300 - relayed);
                    await to.SendAsync(buffer.AsMemory(0, keep), SocketFlags.None, _stop.Token);
                    to.Close();
                    return;
            }

            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            relayed += n;
        }
    }
}
