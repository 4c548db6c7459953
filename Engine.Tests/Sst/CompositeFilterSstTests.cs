using System.Buffers.Binary;
using System.Text;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Iterators;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Sst;

/// <summary>
/// SSTs in SlateDB 0.13+'s filter layout: written by the builder when asked for
/// <see cref="FilterFormat.Composite"/>, read back with the filter in use; the legacy default
/// unchanged.
/// </summary>
public sealed class CompositeFilterSstTests
{
    private static byte[] Key(int i) => Encoding.ASCII.GetBytes($"key-{i * 3:d8}");

    private static (byte[] Bytes, SsTableInfo Info) Build(SstBuildSettings settings, int rows)
    {
        using var builder = new SstBuilder(settings);
        for (var i = 0; i < rows; i++)
        {
            builder.Add(new RowEntry(Key(i), Encoding.ASCII.GetBytes($"value-{i}"), (ulong)(1000 + i), RowKind.Value));
        }

        var info = builder.Finish();
        return (builder.Pending.ToArray(), info);
    }

    private static byte[] Payload(byte[] sst, SsTableInfo info) =>
        SstSections.Read(sst.AsMemory((int)info.FilterOffset, (int)info.FilterLength), info.Compression, null, "x", (long)info.FilterOffset, "filter", int.MaxValue).ToArray();

    [Theory]
    [InlineData(CompressionCodec.None)]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Zlib)]
    [InlineData(CompressionCodec.Lz4)]
    [InlineData(CompressionCodec.Zstd)]
    public async Task A_composite_sst_round_trips_with_its_bf_filter_in_use(CompressionCodec codec)
    {
        const int Rows = 3000;
        var (bytes, info) = Build(new SstBuildSettings(1024, codec, 10, 1000, SstType.Compacted, FilterFormat.Composite), Rows);
        var (legacyBytes, legacyInfo) = Build(new SstBuildSettings(1024, codec, 10, 1000, SstType.Compacted), Rows);

        // Same data blocks and filter offset; the composite section is the legacy payload framed as "_bf".
        Assert.Equal(FilterFormat.Composite, info.FilterFormat);
        Assert.Equal(legacyInfo.FilterOffset, info.FilterOffset);
        Assert.Equal(legacyBytes.AsSpan(0, (int)legacyInfo.FilterOffset).ToArray(), bytes.AsSpan(0, (int)info.FilterOffset).ToArray());
        Assert.Equal(info.FilterOffset + info.FilterLength, info.IndexOffset);
        Assert.Equal(info.IndexOffset + info.IndexLength, info.StatsOffset);
        var legacyPayload = Payload(legacyBytes, legacyInfo);
        var payload = Payload(bytes, info);
        Assert.Equal(FilterBlock.CompositeLength("_bf", legacyPayload.Length), payload.Length);
        Assert.Equal("0001" + "0003" + "5F6266", Convert.ToHexString(payload.AsSpan(0, 7)));
        Assert.Equal((ulong)legacyPayload.Length, BinaryPrimitives.ReadUInt64BigEndian(payload.AsSpan(7)));
        Assert.Equal(legacyPayload, payload.AsSpan(15).ToArray());

        var inner = new InMemoryObjectStore();
        await inner.PutAsync("c.sst", bytes);
        var store = new CountingStore(inner);
        var file = await SstFile.OpenAsync(store, "c.sst");
        Assert.Equal(info, file.Info);
        Assert.Equal(["_bf"], file.FilterNames);
        var filter = Assert.NotNull(file.Filter);
        Assert.Equal(BloomFilter.Parse(legacyPayload).BitCount, filter.BitCount);
        Assert.All(Enumerable.Range(0, Rows), i => Assert.True(filter.MightContain(Key(i))));

        var reader = await SstReader.OpenAsync(store, "c.sst");
        foreach (var i in new[] { 0, 1, 1499, 2999 })
        {
            var row = await reader.GetAsync(Key(i));
            Assert.NotNull(row);
            Assert.Equal(Encoding.ASCII.GetBytes($"value-{i}"), row.Value);
        }

        // Absent keys between present ones: the filter answers most without reading a block.
        var absent = Enumerable.Range(0, 1000).Select(i => Encoding.ASCII.GetBytes($"key-{(i * 3) + 1:d8}")).ToList();
        var ruledOut = absent.Where(k => !reader.MightContain(k)).ToList();
        Assert.InRange(ruledOut.Count, 900, 1000);
        var readsBefore = store.RangeReads;
        foreach (var key in ruledOut)
        {
            Assert.Null(await reader.GetAsync(key));
        }

        Assert.Equal(readsBefore, store.RangeReads);
        foreach (var key in absent.Except(ruledOut))
        {
            Assert.Null(await reader.GetAsync(key));
        }
    }

    [Fact]
    public async Task SstWriter_writes_the_composite_layout_when_its_options_ask()
    {
        var store = new InMemoryObjectStore();
        await using (var writer = await SstWriter.CreateAsync(store, "w.sst", new SstWriterOptions { MinFilterKeys = 10, FilterFormat = FilterFormat.Composite }))
        {
            for (var i = 0; i < 50; i++)
            {
                await writer.PutAsync(Key(i), new byte[] { 1 });
            }

            await writer.CloseAsync();
            Assert.Equal(FilterFormat.Composite, writer.Metadata.Info.FilterFormat);
        }

        var file = await SstFile.OpenAsync(store, "w.sst");
        Assert.Equal(FilterFormat.Composite, file.Info.FilterFormat);
        Assert.Equal(["_bf"], file.FilterNames);
        Assert.NotNull(file.Filter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task A_composite_sst_without_a_filter_still_declares_the_format(int rows)
    {
        var (bytes, info) = Build(new SstBuildSettings(4096, CompressionCodec.None, 10, 1000, SstType.Compacted, FilterFormat.Composite), rows);
        Assert.Equal(FilterFormat.Composite, info.FilterFormat);
        Assert.Equal(0UL, info.FilterLength);
        Assert.Equal(info.FilterOffset, info.IndexOffset);

        var store = new InMemoryObjectStore();
        await store.PutAsync("e.sst", bytes);
        var file = await SstFile.OpenAsync(store, "e.sst");
        Assert.Equal(FilterFormat.Composite, file.Info.FilterFormat);
        Assert.Null(file.Filter);
        Assert.Empty(file.FilterNames);

        // Only the info differs from the legacy bytes: the field is present, at value 1.
        var (legacy, legacyInfo) = Build(new SstBuildSettings(4096, CompressionCodec.None, 10, 1000, SstType.Compacted), rows);
        Assert.Equal(legacyInfo with { FilterFormat = FilterFormat.Composite }, info);
        Assert.True(bytes.Length > legacy.Length);
    }

    [Theory]
    [InlineData(CompressionCodec.None)]
    [InlineData(CompressionCodec.Zstd)]
    public async Task A_composite_wal_sst_declares_the_format_and_has_no_filter(CompressionCodec codec)
    {
        using var builder = new SstBuilder(SstBuildSettings.Wal(codec, 4096, FilterFormat.Composite));
        for (var i = 0; i < 2000; i++)
        {
            builder.Add(new RowEntry(Key(2000 - i), "v"u8, (ulong)(i + 1), RowKind.Value));
        }

        var info = builder.Finish();
        Assert.Equal(FilterFormat.Composite, info.FilterFormat);
        Assert.Equal(0UL, info.FilterLength);

        var store = new InMemoryObjectStore();
        await store.PutAsync("wal/1.sst", builder.Pending.ToArray());
        var reader = await SstReader.OpenAsync(store, "wal/1.sst");
        Assert.True(reader.Properties.IsWal);
        var file = await SstFile.OpenAsync(store, "wal/1.sst");
        Assert.Equal(FilterFormat.Composite, file.Info.FilterFormat);
        Assert.Null(file.Filter);
    }

    [Fact]
    public void Legacy_is_the_default_and_writes_SlateDB_0_12_bytes()
    {
        var settings = new SstBuildSettings(1024, CompressionCodec.None, 10, 10, SstType.Compacted);
        Assert.Equal(FilterFormat.Legacy, settings.FilterFormat);
        Assert.Equal(FilterFormat.Legacy, SstBuildSettings.Wal(CompressionCodec.None).FilterFormat);
        Assert.Equal(FilterFormat.Legacy, SstBuildSettings.Compacted(new DbOptions()).FilterFormat);
        Assert.Equal(FilterFormat.Legacy, new SstWriterOptions().FilterFormat);

        var (bytes, info) = Build(settings, 100);
        Assert.Equal(bytes, Build(settings with { FilterFormat = FilterFormat.Legacy }, 100).Bytes);
        Assert.Equal(FilterFormat.Legacy, info.FilterFormat);

        // No filter_format field in the info: the table's vtable ends at stats_len (field 9).
        var infoBytes = SsTableInfoCodec.Encode(info);
        var table = BinaryPrimitives.ReadInt32LittleEndian(infoBytes);
        var vtable = table - BinaryPrimitives.ReadInt32LittleEndian(infoBytes.AsSpan(table));
        Assert.True(BinaryPrimitives.ReadUInt16LittleEndian(infoBytes.AsSpan(vtable)) <= 4 + (2 * 10));

        // The filter section is the raw bloom: its first u16 is the probe count, not a filter count.
        Assert.Equal(6, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan((int)info.FilterOffset)));
    }

    [Fact]
    public async Task A_database_set_to_composite_writes_every_sst_with_the_format_and_reads_them_back()
    {
        var store = new InMemoryObjectStore();
        var options = new DbOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(10),
            MinFilterKeys = 10,
            GarbageCollector = null,
            Compactor = new() { PollInterval = TimeSpan.FromHours(1) },
            FormatLevel = FormatLevel.SlateDb013,
        };
        await using (var db = await DbHandle.OpenAsync("db", store, options))
        {
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < 100; i++)
                {
                    await db.PutAsync(Key(i), Encoding.ASCII.GetBytes($"v{round}-{i}"));
                }

                await db.FlushAsync(FlushType.MemTable);
            }

            await db.CompactAsync();
            await db.DeleteAsync(Key(5));
            await db.PutAsync(Key(500), "wal-only"u8.ToArray());
            await db.FlushAsync();
        }

        var objects = (await store.ListAllAsync("db/wal/")).Concat(await store.ListAllAsync("db/compacted/")).ToList();
        Assert.Contains(objects, o => o.Path.StartsWith("db/compacted/", StringComparison.Ordinal));
        Assert.True(objects.Count(o => o.Path.StartsWith("db/wal/", StringComparison.Ordinal)) >= 2, "the fencing WAL and data WALs");
        var filters = 0;
        foreach (var o in objects)
        {
            var file = await SstFile.OpenAsync(store, o.Path);
            Assert.True(file.Info.FilterFormat == FilterFormat.Composite, $"{o.Path} declares {file.Info.FilterFormat}");
            if (file.Filter is not null)
            {
                Assert.Equal(["_bf"], file.FilterNames);
                filters++;
            }
        }

        Assert.True(filters > 0, "some SST has a filter");
        var (_, manifest) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        Assert.All(manifest.L0.Concat(manifest.Compacted.SelectMany(r => r.Ssts)), v => Assert.Equal(FilterFormat.Composite, v.Sst.Info.FilterFormat));

        // A handle left to detect the level keeps writing at 0.13.
        await using (var detecting = await DbHandle.OpenAsync("db", store, options with { FormatLevel = FormatLevel.Detect }))
        {
            Assert.Equal(FormatLevel.SlateDb013, detecting.FormatLevel);
        }

        // A handle told to write 0.12's bytes reads them all.
        await using var reopened = await DbHandle.OpenAsync("db", store, options with { FormatLevel = FormatLevel.SlateDb012 });
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i == 5 ? null : Encoding.ASCII.GetBytes($"v2-{i}"), await reopened.GetAsync(Key(i)));
        }

        Assert.Equal("wal-only"u8.ToArray(), await reopened.GetAsync(Key(500)));
        Assert.Null(await reopened.GetAsync(Key(501)));
    }
}
