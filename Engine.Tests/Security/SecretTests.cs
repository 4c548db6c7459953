using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Security;

/// <summary>
/// S3 credentials never leak: with a fake secret and an S3 endpoint nobody listens on, no
/// exception (with its inner exceptions and stack), log line, metric or CLI output contains it.
/// </summary>
public sealed class SecretTests
{
    private static readonly string Secret = $"FAKESECRET{Guid.NewGuid():N}";

    private sealed class CapturingLogger(List<string> lines) : ILogger, ILoggerFactory
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception) + " " + exception);
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task A_failing_s3_store_never_shows_the_secret_key_in_exceptions_logs_or_metrics()
    {
        var lines = new List<string>();
        using var loggers = new CapturingLogger(lines);
        var metrics = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => l.EnableMeasurementEvents(instrument);
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (metrics)
            {
                metrics.Add($"{instrument.Name} {value} {string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))}");
            }
        });
        listener.Start();

        using var s3 = new S3ObjectStore(new S3StoreOptions
        {
            Bucket = "secret-test",
            Endpoint = $"http://127.0.0.1:{SystemTools.ClosedPort()}",
            Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDFAKEACCESSKEY", Secret),
            RequestTimeout = TimeSpan.FromSeconds(2),
        });
        var store = new RetryingObjectStore(s3, new RetryOptions { MaxAttempts = 2, InitialBackoff = TimeSpan.Zero });
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => DbHandle.OpenAsync("db", store, new DbOptions { LoggerFactory = loggers }));
        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        var direct = await Assert.ThrowsAnyAsync<SlateFastException>(async () => await s3.PutIfAbsentAsync("db/x", new byte[10]));
        listener.RecordObservableInstruments();

        foreach (var text in new[] { e.ToString(), direct.ToString(), s3.ToString(), string.Join("\n", lines), string.Join("\n", metrics) })
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_cli_never_prints_the_secret_it_reads_from_the_environment_nor_one_put_into_a_store_url()
    {
        using var folder = new TempFolder("cli-secret");
        var url = $"s3://secret-test/db?endpoint=http://127.0.0.1:{SystemTools.ClosedPort()}";
        var runs = new[]
        {
            new[] { "put", "db", "k", "v", "--store", url },
            ["get", "db", "k", "--store", url],
            ["store", "check", "--store", url],
            ["put", "db", "k", "v", "--store", $"s3://AKIDFAKE:{Secret}@secret-test/db"],
        };
        foreach (var args in runs)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.Path };
            info.ArgumentList.Add(RepoPaths.CliDll);
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["AWS_ACCESS_KEY_ID"] = "AKIDFAKEACCESSKEY";
            info.Environment["AWS_SECRET_ACCESS_KEY"] = Secret;
            info.Environment["AWS_REGION"] = "us-east-1";
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = await stdout + await stderr;
            Assert.True(process.ExitCode != 0, $"{string.Join(' ', args)} succeeded against a closed port: {text}");
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }
    }
}
