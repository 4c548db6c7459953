using SlateFast.Tests.Support;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using Xunit.Abstractions;
using static SlateFast.Tests.Interop.RowAssert;

namespace SlateFast.Tests.Interop.Format;

/// <summary>
/// The reverse direction (issue 3, part 4): a database SlateFast wrote from its codecs alone is
/// opened by real SlateDB's read-only DbReader, whose scan and point gets must return exactly what
/// was written — for every codec, at 1 KiB and 64 KiB blocks, with bloom filters, tombstones and
/// binary keys.
/// </summary>
public sealed class SlateDbReadsSlateFastTests(ITestOutputHelper output)
{
    private const int BaseSeed = 7340;
    private const string DbPath = "db";

    public static TheoryData<CompressionCodec, int> CodecsAndBlockSizes
    {
        get
        {
            var data = new TheoryData<CompressionCodec, int>();
            foreach (var codec in Enum.GetValues<CompressionCodec>())
            {
                data.Add(codec, 1024);
                data.Add(codec, 65536);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CodecsAndBlockSizes))]
    public async Task SlateDB_scans_and_gets_exactly_what_SstWriter_wrote_into_an_L0(CompressionCodec codec, int blockSize)
    {
        var seed = BaseSeed + ((int)codec * 2) + (blockSize == 1024 ? 0 : 1);
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var tmp = new TempFolder();
        var store = new LocalObjectStore(tmp.Path);
        var rows = HandRows.Make(random, count: 1500, seqOf: _ => 0);
        var options = new SstWriterOptions { Compression = codec, BlockSize = blockSize };

        await HandWrittenDatabase.WriteWithSstWriterAsync(store, DbPath, [rows], options, random);
        var scanned = await SlateDbNode.ScanAsync(tmp.Path, DbPath);

        var live = rows.Where(r => !r.IsDelete).ToList();
        Assert.Equal(KeyValues(live.Select(r => new SlateDbRow(r.Key, r.Value!, 0, 0, null))), KeyValues(scanned));
        Assert.All(scanned, r => Assert.Equal((0UL, (long?)null), (r.Seq, r.ExpireTs)));
        output.WriteLine($"create_ts of rows without one: {string.Join(",", scanned.Select(r => r.CreateTs).Distinct())}");

        await AssertGetsAsync(tmp.Path, store, rows, random);
    }

    [Theory]
    [InlineData(CompressionCodec.None, 1024)]
    [InlineData(CompressionCodec.Zstd, 65536)]
    [InlineData(CompressionCodec.Lz4, 1024)]
    public async Task SlateDB_resolves_two_hand_built_L0s_by_seq_so_newer_tombstones_and_overwrites_hide_older_rows(CompressionCodec codec, int blockSize)
    {
        var seed = BaseSeed + 100 + ((int)codec * 2) + (blockSize == 1024 ? 0 : 1);
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var tmp = new TempFolder();
        var store = new LocalObjectStore(tmp.Path);
        const long tick = 1_780_000_000_000;
        var older = HandRows.Make(random, count: 1200, seqOf: i => (ulong)i + 1, createTsOf: i => tick + i);
        // the newer L0: every third key of the older one deleted or overwritten, plus rows of its own
        var newer = older.Where((_, i) => i % 3 == 0)
            .Select((r, i) => r with { Value = i % 2 == 0 ? null : [0xAB, .. r.Key], Seq = 0, CreateTs = 0 })
            .Concat(HandRows.Make(random, count: 300, seqOf: _ => 0))
            .DistinctBy(r => Convert.ToHexString(r.Key))
            .Order(Comparer<HandRow>.Create((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key)))
            .Select((r, i) => r with { Seq = 5000 + (ulong)i, CreateTs = tick + 5000 + i })
            .ToList();
        var settings = new SstBuildSettings(blockSize, codec, 10, 1000, SstType.Compacted);

        await HandWrittenDatabase.WriteWithSstBuilderAsync(store, DbPath, [newer, older], settings, random);
        var scanned = await SlateDbNode.ScanAsync(tmp.Path, DbPath);

        var expected = newer.Concat(older)
            .GroupBy(r => Convert.ToHexString(r.Key), StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => r.Seq)!)
            .Where(r => !r.IsDelete)
            .Select(r => new SlateDbRow(r.Key, r.Value!, r.Seq, r.CreateTs!.Value, null))
            .OrderBy(r => r.Key, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
            .ToList();
        Assert.True(newer.Count(r => r.IsDelete) > 100, "the newer L0 must delete keys the older one holds");
        Assert.Equal(expected, scanned);

        var hidden = newer.Where(r => r.IsDelete).Take(4).Select(r => r.Key).ToArray();
        var values = await SlateDbNode.GetAsync(tmp.Path, DbPath, hidden);
        Assert.All(values, Assert.Null);
    }

    private async Task AssertGetsAsync(string root, IObjectStore store, IReadOnlyList<HandRow> rows, Random random)
    {
        var sst = (await store.ListAllAsync(DbPath + "/compacted/")).Single().Path;
        var reader = await SstReader.OpenAsync(store, sst);
        var present = Pick(rows.Where(r => !r.IsDelete), 4, random);
        var deleted = Pick(rows.Where(r => r.IsDelete), 4, random);
        var absent = HandRows.AbsentKeys(rows, random, 8);
        var filteredOut = absent.Count(k => !reader.MightContain(k));
        output.WriteLine($"{filteredOut} of {absent.Count} absent keys are ruled out by the bloom filter");
        Assert.True(filteredOut > 0, "no absent key exercises the bloom filter's negative path");

        byte[][] keys = [.. present.Select(r => r.Key), .. deleted.Select(r => r.Key), .. absent];
        var values = await SlateDbNode.GetAsync(root, DbPath, keys);

        Assert.Equal([.. present.Select(r => r.Value), .. deleted.Select(_ => (byte[]?)null), .. absent.Select(_ => (byte[]?)null)], values);
    }

    private static List<HandRow> Pick(IEnumerable<HandRow> rows, int n, Random random) =>
        [.. rows.OrderBy(_ => random.Next()).Take(n)];
}
