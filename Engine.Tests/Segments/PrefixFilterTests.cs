using System.Buffers;
using System.Diagnostics.Metrics;
using FsCheck;
using FsCheck.Fluent;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Segments;

/// <summary>
/// Prefix bloom filters as SlateDB 0.13 writes them (<c>_bf:p=NAME</c>, <c>:wh=0</c> without whole
/// keys): the filter holds each new prefix and then the key, prefix scans skip SSTs whose filter
/// rules their prefix out, point reads still answer right, and a filter of another extractor is
/// ignored, never misread.
/// </summary>
public sealed class PrefixFilterTests
{
    private static readonly IPrefixExtractor Fixed3 = PrefixExtractor.FixedLength(3);

    private static FilterSection Build(IPrefixExtractor? extractor, bool wholeKeys, params string[] keys)
    {
        using var builder = new SstBuilder(new SstBuildSettings(4096, CompressionCodec.None, 10, 1, SstType.Compacted, FilterFormat.Composite, null, extractor, wholeKeys));
        ulong seq = 1;
        foreach (var key in keys)
        {
            builder.Add(new RowEntry(B(key), B("v"), seq++, RowKind.Value));
        }

        var info = builder.Finish();
        var bytes = builder.Pending.ToArray();
        var section = SstSections.Read(bytes.AsMemory((int)info.FilterOffset, (int)info.FilterLength), CompressionCodec.None, null, "t", (long)info.FilterOffset, "filter", int.MaxValue);
        return FilterBlock.Decode(section.ToArray(), FilterFormat.Composite, "t", (long)info.FilterOffset);
    }

    private static byte[] Expected(params string[] hashed)
    {
        var hashes = hashed.Select(h => SipHash13.Hash(B(h))).ToArray();
        var bytes = new byte[BloomFilterBuilder.EncodedLength(hashes.Length, 10)];
        BloomFilterBuilder.Build(hashes, 10, bytes);
        return bytes;
    }

    [Fact]
    public void The_filter_is_named_after_the_extractor_and_holds_each_new_prefix_then_the_key()
    {
        var section = Build(Fixed3, wholeKeys: true, "aaa1", "aaa2", "bbb1", "c");
        Assert.Equal(["_bf:p=fixed:3"], section.Names);
        var bloom = Assert.Single(section.PrefixFilters);
        Assert.True(bloom.WholeKeys);
        // "c" has no prefix under a 3-byte extractor: only its key is hashed.
        Assert.Equal(Expected("aaa", "aaa1", "aaa2", "bbb", "bbb1", "c"), Raw(section, "_bf:p=fixed:3", Fixed3, true, "aaa1", "aaa2", "bbb1", "c"));

        // The bytes SlateDB 0.13's engine gives these keys under a 3-byte extractor (FilterBlockTests' example 2).
        var fixed3 = PrefixExtractor.FixedLength(3, "fixed3");
        Assert.Equal("0006a022d4111ac153", Convert.ToHexStringLower(Raw(Build(fixed3, true, "aaa1", "aaa2", "bbb1"), "_bf:p=fixed3", fixed3, true, "aaa1", "aaa2", "bbb1")));

        var prefixOnly = Build(Fixed3, wholeKeys: false, "aaa1", "aaa2", "bbb1");
        Assert.Equal(["_bf:p=fixed:3:wh=0"], prefixOnly.Names);
        Assert.Equal(Expected("aaa", "bbb"), Raw(prefixOnly, "_bf:p=fixed:3:wh=0", Fixed3, false, "aaa1", "aaa2", "bbb1"));
    }

    // The bloom bytes of the one composite entry, read back from the built SST's filter section.
    private static byte[] Raw(FilterSection section, string name, IPrefixExtractor extractor, bool wholeKeys, params string[] keys)
    {
        using var builder = new SstBuilder(new SstBuildSettings(4096, CompressionCodec.None, 10, 1, SstType.Compacted, FilterFormat.Composite, null, extractor, wholeKeys));
        ulong seq = 1;
        foreach (var key in keys)
        {
            builder.Add(new RowEntry(B(key), B("v"), seq++, RowKind.Value));
        }

        var info = builder.Finish();
        var payload = builder.Pending.Slice((int)info.FilterOffset, (int)info.FilterLength - SstSections.ChecksumLength).ToArray();
        Assert.Equal(section.Names, [name]);
        int nameLength = (payload[2] << 8) | payload[3];
        return payload[(2 + 2 + nameLength + 8)..];
    }

    [Fact]
    public void Queries_answer_from_the_prefix_bloom_of_their_extractor_only()
    {
        var section = Build(Fixed3, wholeKeys: false, "aaa1", "aaa2", "bbb1");
        Assert.True(section.MayContainPrefix(B("aaa"), Fixed3));
        Assert.False(section.MayContainPrefix(B("zzz"), Fixed3));
        Assert.True(section.MayContainPrefix(B("zz"), Fixed3)); // too short for the extractor: maybe
        Assert.False(section.MayContainKey(B("zzz9"), Fixed3));
        Assert.True(section.MayContainKey(B("aaa9"), Fixed3)); // the prefix is there: maybe

        var other = PrefixExtractor.FixedLength(3, "other");
        Assert.True(section.MayContainPrefix(B("zzz"), other));
        Assert.True(section.MayContainKey(B("zzz9"), other));
    }

    private sealed class Counting : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _skips;

        public Counting()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "slatefast.db.prefix_filter_skips")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _skips, value));
            _listener.Start();
        }

        public long Skips => Interlocked.Read(ref _skips);

        public void Dispose() => _listener.Dispose();
    }

    private static DbOptions Options(ManualClock clock, IPrefixExtractor? extractor, bool wholeKeys = true) => new()
    {
        TimeProvider = clock,
        GarbageCollector = null,
        // L0 SSTs stay where the flushes put them: the compactor waits for 100, and L0 holds 200.
        Compactor = new() { Enabled = true, MaxSstSize = 4096, MinCompactionSources = 100, MaxCompactionSources = 100 },
        L0MaxSsts = 200,
        FormatLevel = FormatLevel.SlateDb013,
        MinFilterKeys = 1,
        FilterPrefixExtractor = extractor,
        WholeKeyFiltering = wholeKeys,
    };

    private static async Task FillAsync(DbHandle db)
    {
        // Even prefixes only, one L0 SST each: an odd prefix lies inside SSTs' key ranges but in no key.
        for (int p = 0; p < 10; p += 2)
        {
            for (int i = 0; i < 40; i++)
            {
                await db.PutAsync(B($"p{p:D2}/{i:D3}"), B(new string('x', 60)), writeOptions: WriteOptions.NoWait);
            }

            await db.FlushAsync(FlushType.MemTable);
        }
    }

    [Fact]
    public async Task A_prefix_scan_skips_L0_and_sorted_run_SSTs_whose_filter_rules_the_prefix_out()
    {
        var clock = new ManualClock(Start);
        var store = new InMemoryObjectStore(clock);
        using var counting = new Counting();
        await using var db = await DbHandle.OpenAsync("db", store, Options(clock, PrefixExtractor.FixedLength(3)));
        await FillAsync(db);

        var before = counting.Skips;
        Assert.Equal(40, (await ScanAsync(db.ScanPrefixAsync(B("p04")))).Count);
        Assert.Equal(4, counting.Skips - before); // the other four L0 SSTs

        await db.CompactAsync();
        Assert.Empty(db.CurrentManifest.L0);
        var run = db.CurrentManifest.Compacted[0].Ssts;
        Assert.True(run.Length >= 2, $"{run.Length} SSTs");

        // An odd prefix inside one SST's key range: only the filter can tell it is not there.
        var odd = Enumerable.Range(0, 5).Select(p => $"p{(2 * p) + 1:D2}").First(p => run.Any(v =>
            v.Sst.Info.FirstEntry!.Value.Span.SequenceCompareTo(B(p)) < 0 && v.Sst.Info.LastEntry!.Value.Span.SequenceCompareTo(B(p)) > 0));
        before = counting.Skips;
        Assert.Empty(await ScanAsync(db.ScanPrefixAsync(B(odd))));
        Assert.Equal(1, counting.Skips - before);
        Assert.Equal(40, (await ScanAsync(db.ScanPrefixAsync(B("p08")))).Count);
    }

    [Fact]
    public async Task Without_whole_keys_point_reads_probe_the_prefix_and_stay_right()
    {
        var clock = new ManualClock(Start);
        var store = new InMemoryObjectStore(clock);
        await using var db = await DbHandle.OpenAsync("db", store, Options(clock, PrefixExtractor.FixedLength(3), wholeKeys: false));
        await FillAsync(db);
        Assert.Equal(new string('x', 60), System.Text.Encoding.UTF8.GetString((await db.GetAsync(B("p06/007")))!));
        Assert.Null(await db.GetAsync(B("p06/999")));
        Assert.Null(await db.GetAsync(B("p05/000")));
    }

    [Fact]
    public async Task A_reader_uses_the_filters_of_its_extractor_and_ignores_another_ones()
    {
        var clock = new ManualClock(Start);
        var store = new InMemoryObjectStore(clock);
        await using (var db = await DbHandle.OpenAsync("db", store, Options(clock, PrefixExtractor.FixedLength(3))))
        {
            await FillAsync(db);
        }

        using var counting = new Counting();
        await using (var same = await DbReader.OpenAsync("db", store, new DbReaderOptions { TimeProvider = clock, FilterPrefixExtractor = PrefixExtractor.FixedLength(3) }))
        {
            var before = counting.Skips;
            Assert.Equal(40, (await ScanAsync(same.ScanPrefixAsync(B("p02")))).Count);
            Assert.True(counting.Skips > before);
        }

        await using (var other = await DbReader.OpenAsync("db", store, new DbReaderOptions { TimeProvider = clock, FilterPrefixExtractor = PrefixExtractor.FixedLength(3, "another") }))
        {
            var before = counting.Skips;
            Assert.Equal(40, (await ScanAsync(other.ScanPrefixAsync(B("p02")))).Count);
            Assert.Equal(before, counting.Skips);
        }
    }

    [Fact]
    public async Task The_option_needs_the_composite_format()
    {
        var clock = new ManualClock(Start);
        var store = new InMemoryObjectStore(clock);
        var explicitOld = Assert.Throws<SlateFastException>(() => (Options(clock, Fixed3) with { FormatLevel = FormatLevel.SlateDb012 }).Validate());
        Assert.Equal(ErrorKind.Invalid, explicitOld.Kind);

        // Detect on a new database is 0.12: refused at open, naming the option.
        var detected = await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", store, Options(clock, Fixed3) with { FormatLevel = FormatLevel.Detect }));
        Assert.Contains("FilterPrefixExtractor", detected.Message);
    }

    [SeededProperty(MaxTest = 15)]
    public Property Prefix_scans_with_filters_return_what_a_database_without_them_returns() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(0, 400)).ToArbitrary(),
            Gen.Choose(0, 30).ToArbitrary(),
            (keys, probe) =>
            {
                RunAsync(keys, probe).GetAwaiter().GetResult();
            });

    private static async Task RunAsync(IEnumerable<int> keys, int probe)
    {
        var clock = new ManualClock(Start);
        var filtered = await DbHandle.OpenAsync("f", new InMemoryObjectStore(clock), Options(clock, PrefixExtractor.UpToDelimiter((byte)'/'), wholeKeys: false));
        var plain = await DbHandle.OpenAsync("p", new InMemoryObjectStore(clock), Options(clock, null) with { FormatLevel = FormatLevel.SlateDb013 });
        await using (filtered)
        await using (plain)
        {
            var n = 0;
            foreach (var k in keys)
            {
                var key = B($"t{k % 31}/{k}");
                await filtered.PutAsync(key, B($"{k}"), writeOptions: WriteOptions.NoWait);
                await plain.PutAsync(key, B($"{k}"), writeOptions: WriteOptions.NoWait);
                if (++n % 7 == 0)
                {
                    await filtered.FlushAsync(FlushType.MemTable);
                    await plain.FlushAsync(FlushType.MemTable);
                }
            }

            foreach (var prefix in new[] { $"t{probe}/", $"t{probe}", "t" })
            {
                Assert.Equal(await ScanAsync(plain.ScanPrefixAsync(B(prefix))), await ScanAsync(filtered.ScanPrefixAsync(B(prefix))));
            }
        }
    }
}
