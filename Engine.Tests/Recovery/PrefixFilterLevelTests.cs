using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Recovery;

/// <summary>
/// A writer opened with <see cref="DbOptions.FilterPrefixExtractor"/> and
/// <see cref="FormatLevel.Detect"/> on a database whose objects show SlateDB 0.12 (or on a new
/// one, written at 0.12) is refused as Invalid before it claims the writer epoch or writes a
/// manifest: a misconfigured open neither fences the running writer nor leaves a database behind.
/// </summary>
public sealed class PrefixFilterLevelTests
{
    private static DbOptions Options(FormatLevel level, string? extractor = "fixed:4") => new()
    {
        FormatLevel = level,
        FilterPrefixExtractor = extractor is null ? null : PrefixExtractor.Parse(extractor),
        FlushInterval = TimeSpan.FromMilliseconds(5),
        GarbageCollector = null,
        Compactor = new() { Enabled = false },
    };

    [Fact]
    public async Task Detecting_a_012_database_refuses_the_extractor_before_claiming_the_writer_epoch()
    {
        var store = new InMemoryObjectStore();
        await using var running = await DbHandle.OpenAsync("db", store, Options(FormatLevel.SlateDb012, extractor: null));
        await running.PutAsync(B("k"), B("v"));
        await running.FlushAsync(FlushType.MemTable);

        var manifests = new ManifestStore(store, "db");
        var (idBefore, before) = (await manifests.LoadLatestAsync())!.Value;
        var e = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", store, Options(FormatLevel.Detect)));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("FilterPrefixExtractor", e.Message, StringComparison.Ordinal);

        var (idAfter, after) = (await manifests.LoadLatestAsync())!.Value;
        Assert.Equal(idBefore, idAfter);
        Assert.Equal(before.WriterEpoch, after.WriterEpoch);

        // The running writer was not fenced.
        await running.PutAsync(B("k2"), B("v2"));
        Assert.Equal(B("v2"), await running.GetAsync(B("k2")));
    }

    [Fact]
    public async Task Detecting_on_a_new_database_refuses_the_extractor_before_creating_it()
    {
        var store = new InMemoryObjectStore();
        var e = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", store, Options(FormatLevel.Detect)));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("FilterPrefixExtractor", e.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ListAllAsync("db/"));
    }

    [Fact]
    public async Task Detecting_a_013_database_or_a_new_segmented_one_keeps_the_extractor()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, Options(FormatLevel.SlateDb013)))
        {
            await db.PutAsync(B("abcd1"), B("v"));
            await db.FlushAsync(FlushType.MemTable);
        }

        await using (var detected = await DbHandle.OpenAsync("db", store, Options(FormatLevel.Detect)))
        {
            Assert.Equal(FormatLevel.SlateDb013, detected.FormatLevel);
            Assert.Equal(B("v"), await detected.GetAsync(B("abcd1")));
        }

        // A segmented database's first manifest is already 0.13's.
        await using var segmented = await DbHandle.OpenAsync("seg", store, Options(FormatLevel.Detect) with { SegmentExtractor = PrefixExtractor.Parse("delimiter:/") });
        Assert.Equal(FormatLevel.SlateDb013, segmented.FormatLevel);
    }
}
