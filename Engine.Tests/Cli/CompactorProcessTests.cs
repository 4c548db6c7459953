using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using SlateFast.Cli;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>
/// <c>slatefast compactor run</c> as a real process next to a writer that has no compactor of its
/// own: it compacts the writer's L0 SSTs, stops cleanly with exit 0 on SIGTERM, and exits 12
/// (Closed) when a second compactor fences it.
/// </summary>
public sealed class CompactorProcessTests : IDisposable
{
    private static readonly DbOptions s_writer = TestOptions.ManualTree;
    private readonly TempFolder _folder = new("cli-compactor-run");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_standalone_compactor_process_compacts_a_writers_L0_stops_on_SIGTERM_and_is_fenced_by_a_second_one()
    {
        var store = new LocalObjectStore(_folder.Path);
        await using var writer = await DbHandle.OpenAsync("db", store, s_writer);
        await writer.PutAsync(B("first"), B("row"));
        await writer.FlushAsync(FlushType.MemTable);

        using var first = CompactorProcess.Start(_folder.Path);
        await first.WaitForLineAsync("claimed epoch 1");
        for (var i = 0; i < 6; i++)
        {
            await writer.PutAsync(B($"k{i}"), B($"v{i}"));
            await writer.FlushAsync(FlushType.MemTable);
        }

        await first.WaitForLineAsync("committed in manifest");
        var manifest = await new DbAdmin("db", store).ReadManifestAsync();
        Assert.NotEmpty(manifest.SortedRuns);
        Assert.Equal(1ul, manifest.CompactorEpoch);

        using var second = CompactorProcess.Start(_folder.Path);
        await second.WaitForLineAsync("claimed epoch 2");
        Assert.Equal(ExitCodes.For(ErrorKind.Closed), await first.WaitForExitAsync());
        Assert.Contains("a newer compactor took over", first.Errors, StringComparison.Ordinal);

        // The writer goes on, and the second compactor picks up its new L0s.
        for (var i = 6; i < 12; i++)
        {
            await writer.PutAsync(B($"k{i}"), B($"v{i}"));
            await writer.FlushAsync(FlushType.MemTable);
        }

        await second.WaitForLineAsync("committed in manifest");
        second.Signal("TERM");
        Assert.Equal(0, await second.WaitForExitAsync());
        Assert.Contains("stopped", second.Errors, StringComparison.Ordinal);

        Assert.Equal(B("row"), await writer.GetAsync(B("first")));
        await using var reader = await DbHandle.OpenReadOnlyAsync("db", new LocalObjectStore(_folder.Path));
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(B($"v{i}"), await reader.GetAsync(B($"k{i}")));
        }

        Assert.Equal(2ul, (await new DbAdmin("db", store).ReadManifestAsync()).CompactorEpoch);
    }

    /// <summary>A <c>slatefast compactor run</c> child whose stderr lines are collected as they come.</summary>
    private sealed class CompactorProcess : IDisposable
    {
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly StringBuilder _errors = new();
        private readonly Task _pump;

        private CompactorProcess(Process process)
        {
            _process = process;
            _pump = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                {
                    lock (_errors)
                    {
                        _errors.AppendLine(line);
                    }

                    await _lines.Writer.WriteAsync(line);
                }

                _lines.Writer.Complete();
            });
        }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        public static CompactorProcess Start(string root)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
            foreach (var a in new[] { RepoPaths.CliDll, "compactor", "run", "db", "--poll-interval", "100ms", "--max-sst-size", "4096" })
            {
                info.ArgumentList.Add(a);
            }

            return new CompactorProcess(Process.Start(info)!);
        }

        public async Task WaitForLineAsync(string fragment)
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                while (await _lines.Reader.WaitToReadAsync(guard.Token))
                {
                    while (_lines.Reader.TryRead(out var line))
                    {
                        if (line.Contains(fragment, StringComparison.Ordinal))
                        {
                            return;
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            throw new Xunit.Sdk.XunitException($"the compactor never logged \"{fragment}\"; stderr:\n{Errors}");
        }

        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
        }

        public async Task<int> WaitForExitAsync()
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _process.WaitForExitAsync(guard.Token);
            await _pump;
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}
