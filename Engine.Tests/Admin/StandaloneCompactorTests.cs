using System.Text;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Admin;

/// <summary>
/// <see cref="DbAdmin.RunCompactorAsync"/>: the compactor of writers that run without their own.
/// It drains their L0 until cancelled, returns cleanly then, and stops with Closed (Fenced) once a
/// newer compactor claims the epoch.
/// </summary>
public sealed class StandaloneCompactorTests
{
    private static readonly DbOptions s_writer = TestOptions.ManualTree;
    private static readonly DbOptions s_compactor = new() { Compactor = new CompactorOptions { PollInterval = TimeSpan.FromMilliseconds(20) } };

    [Fact]
    public async Task It_compacts_the_L0_of_a_writer_without_a_compactor_and_returns_when_cancelled()
    {
        var store = new InMemoryObjectStore();
        await using var writer = await DbHandle.OpenAsync("db", store, s_writer);
        var admin = new DbAdmin("db", store);
        using var stop = new CancellationTokenSource();
        var running = admin.RunCompactorAsync(s_compactor, stop.Token);

        for (var i = 0; i < 8; i++)
        {
            await writer.PutAsync(B($"k{i}"), B($"v{i}"));
            await writer.FlushAsync(FlushType.MemTable);
        }

        await WaitUntilAsync(async () => (await admin.ReadManifestAsync()).SortedRuns.Count > 0 && !running.IsCompleted);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromMinutes(1));

        var manifest = await admin.ReadManifestAsync();
        Assert.True(manifest.L0.Count < 4, $"{manifest.L0.Count} L0 SSTs left");
        Assert.Equal(1ul, manifest.CompactorEpoch);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(B($"v{i}"), await writer.GetAsync(B($"k{i}")));
        }
    }

    [Fact]
    public async Task A_second_compactor_fences_the_first_which_stops_with_Closed_Fenced()
    {
        var store = new InMemoryObjectStore();
        await using (var writer = await DbHandle.OpenAsync("db", store, s_writer))
        {
            await writer.PutAsync(B("k"), B("v"));
        }

        var admin = new DbAdmin("db", store);
        using var stopFirst = new CancellationTokenSource();
        var first = admin.RunCompactorAsync(s_compactor, stopFirst.Token);
        await WaitUntilAsync(async () => (await admin.ReadManifestAsync()).CompactorEpoch == 1 || first.IsCompleted);

        using var stopSecond = new CancellationTokenSource();
        var second = admin.RunCompactorAsync(s_compactor, stopSecond.Token);

        var fenced = await Assert.ThrowsAsync<SlateFastException>(() => first.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(ErrorKind.Closed, fenced.Kind);
        Assert.Equal(CloseReason.Fenced, fenced.CloseReason);
        Assert.Contains("newer compactor", fenced.Message, StringComparison.Ordinal);
        Assert.False(second.IsCompleted);
        await stopSecond.CancelAsync();
        await second.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(2ul, (await admin.ReadManifestAsync()).CompactorEpoch);
    }

    [Fact]
    public async Task A_missing_database_is_Invalid()
    {
        var failure = await Assert.ThrowsAsync<SlateFastException>(() => new DbAdmin("none", new InMemoryObjectStore()).RunCompactorAsync(s_compactor));
        Assert.Equal(ErrorKind.Invalid, failure.Kind);
    }

    // Polls a condition the compactor's background loop makes true; bounded, so a bug fails instead of hanging.
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!await condition())
        {
            await Task.Delay(20, guard.Token);
        }
    }
}
