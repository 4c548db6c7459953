using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.ObjectStore;

/// <summary>
/// Every S3 call has a deadline: an endpoint that accepts connections and never answers, or that
/// refuses them, fails within the configured timeouts with an error that says it timed out (or
/// failed), names the endpoint and the operation, and says when retrying gave up. A conditional
/// write that timed out is settled by reading back, never replayed.
/// </summary>
public sealed class S3DeadlineTests
{
    // Generous: the point is "no hang"; the deadlines under test are a few seconds.
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_server_that_accepts_and_never_answers_fails_the_operation_as_a_timeout_naming_endpoint_and_operation()
    {
        using var silent = new SilentServer();
        using var store = new S3ObjectStore(Options(silent.Endpoint) with { RequestTimeout = TimeSpan.FromMilliseconds(500), OperationTimeout = TimeSpan.FromSeconds(2) });
        var retrying = new RetryingObjectStore(store);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => retrying.GetAsync("db/manifest/00000000000000000001.manifest").AsTask().WaitAsync(s_hangGuard));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.True(error.TimedOut);
        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.Contains(silent.Endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("S3 get", error.Message, StringComparison.Ordinal);
        Assert.Contains("gave up after", error.Message, StringComparison.Ordinal);
        Assert.True(silent.Connections >= 2, $"expected retries, saw {silent.Connections} connection(s)");
    }

    [Fact]
    public async Task A_refused_endpoint_fails_within_the_operation_timeout_and_says_so()
    {
        using var store = new S3ObjectStore(Options($"http://127.0.0.1:{SystemTools.ClosedPort()}") with { OperationTimeout = TimeSpan.FromSeconds(1) });
        var retrying = new RetryingObjectStore(store);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => retrying.HeadAsync("db/x").AsTask().WaitAsync(s_hangGuard));

        Assert.Contains("S3 head at http://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("operation_timeout 1 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_against_a_silent_endpoint_exits_unavailable_with_the_timeout_and_endpoint_in_its_message()
    {
        using var silent = new SilentServer();
        using var folder = new TempFolder("cli-timeout");
        var url = $"s3://bucket/db?endpoint={silent.Endpoint}&request_timeout=500ms&operation_timeout=2s";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.Path };
        foreach (var a in new[] { RepoPaths.CliDll, "get", "db", "k", "--store", url })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = "test";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "testsecret";
        info.Environment["AWS_REGION"] = "us-east-1";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(s_hangGuard);

        var text = await stderr;
        Assert.Equal(SlateFast.Cli.ExitCodes.For(ErrorKind.Unavailable), process.ExitCode);
        Assert.Contains("timed out", text, StringComparison.Ordinal);
        Assert.Contains(silent.Endpoint, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_compare_and_swap_that_timed_out_is_settled_by_reading_back_whether_it_applied(bool applied)
    {
        var inner = new InMemoryObjectStore();
        var first = await inner.PutAsync("db/manifest/1", "v1"u8.ToArray());
        var lossy = new TimeoutAfterSwap(inner, applied);
        var store = new RetryingObjectStore(lossy, new RetryOptions { Seed = 1 });

        var result = await store.PutIfMatchAsync("db/manifest/1", "v2"u8.ToArray(), first.ETag);

        // Applied: the bytes are ours, so it succeeded. Not applied: "failed", so the caller re-reads
        // and decides; never a replay, which could overwrite a version written after ours.
        Assert.Equal(applied ? PutOutcome.Stored : PutOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(1, lossy.Swaps);
    }

    [Theory]
    [InlineData("connect_timeout=250ms&request_timeout=2s&operation_timeout=1m&create_bucket=true")]
    public void Timeouts_and_bucket_creation_are_set_in_the_url(string query)
    {
        var store = Assert.IsType<S3ObjectStore>(ObjectStores.FromUrl($"s3://bucket/db?endpoint=http://127.0.0.1:9&{query}"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), store.Options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), store.Options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), store.Options.OperationTimeout);
        Assert.True(store.Options.CreateBucket);
    }

    [Theory]
    [InlineData("request_timeout=10", "needs a unit")]
    [InlineData("operation_timeout=soon", "must be a duration")]
    [InlineData("connect_timeout=0s", "must be positive")]
    public void A_timeout_without_a_unit_or_not_positive_is_refused(string query, string message)
    {
        var error = Assert.Throws<SlateFastException>(() => ObjectStores.FromUrl($"s3://bucket/db?endpoint=http://127.0.0.1:9&{query}"));
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static S3StoreOptions Options(string endpoint) => new()
    {
        Bucket = "bucket",
        Endpoint = endpoint,
        Credentials = new BasicAWSCredentials("test", "testsecret"),
    };

    /// <summary>Accepts every connection, reads what comes, and never answers.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _clients = [];
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public SilentServer()
        {
            _listener.Start();
            Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = AcceptAsync();
        }

        public string Endpoint { get; }

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_clients)
            {
                _clients.ForEach(c => c.Dispose());
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    lock (_clients)
                    {
                        _clients.Add(client);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>A swap whose answer is lost: applied (or not) by the store, then reported as a timeout.</summary>
    private sealed class TimeoutAfterSwap(IObjectStore inner, bool apply) : ObjectStoreDecorator(inner)
    {
        public int Swaps { get; private set; }

        public override async ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default)
        {
            Swaps++;
            if (apply)
            {
                await Inner.PutIfMatchAsync(path, data, etag, cancellationToken);
            }

            throw new ObjectStoreException("put-if-match", path, isTransient: true, "no answer within 1 s") { TimedOut = true };
        }

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
            call(cancellationToken);
    }
}
