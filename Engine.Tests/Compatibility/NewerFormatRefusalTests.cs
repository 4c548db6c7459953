using System.Buffers.Binary;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Tests.Compatibility;

/// <summary>
/// What SlateDB 0.13+ writes and this SlateFast does not understand is refused with
/// <see cref="ErrorKind.Data"/> saying a newer SlateDB wrote it, never read in part; what it
/// does understand (composite filter blocks) reads right.
/// </summary>
public class NewerFormatRefusalTests
{
    private static readonly DbOptions s_options = new()
    {
        FlushInterval = TimeSpan.FromMilliseconds(10),
        MinFilterKeys = 1,
        GarbageCollector = null,
        Compactor = new() { Enabled = false },
    };

    private static void AssertNewer(SlateFastException e, string detail)
    {
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains("newer SlateDB", e.Message, StringComparison.Ordinal);
        Assert.Contains(detail, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_with_a_field_newer_than_SlateDB_0_15_is_refused_naming_the_field()
    {
        var file = NewerFormatObjects.ManifestV2WithSegment("tenant-1/"u8.ToArray(), "fixed:9", unknownField: 18);
        var e = Assert.Throws<SlateFastException>(() => ManifestCodec.Decode(file));
        AssertNewer(e, "ManifestV2 has field id 18");
    }

    [Fact]
    public async Task A_database_whose_manifest_has_an_unknown_field_opens_neither_as_writer_nor_as_reader()
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync(DbPaths.ManifestPath("db", 1), NewerFormatObjects.ManifestV2WithSegment("p/"u8.ToArray(), "fixed:2", unknownField: 20));

        AssertNewer(await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", store, s_options)), "field id 20");
        AssertNewer(await Assert.ThrowsAsync<SlateFastException>(async () => await DbReader.OpenAsync("db", store)), "field id 20");
        Assert.Null(await store.HeadAsync(DbPaths.ManifestPath("db", 2)));
    }

    [Fact]
    public void SST_info_declaring_a_composite_filter_decodes()
    {
        var info = new SsTableInfo { IndexOffset = 10, IndexLength = 20, FilterOffset = 5, FilterLength = 5, FilterFormat = FilterFormat.Composite };
        Assert.Equal(info, SsTableInfoCodec.Decode(SsTableInfoCodec.Encode(info)));
    }

    [Fact]
    public void SST_info_with_a_filter_format_beyond_composite_is_refused()
    {
        var info = new SsTableInfo { IndexOffset = 10, IndexLength = 20, FilterFormat = (FilterFormat)2 };
        var e = Assert.Throws<SlateFastException>(() => SsTableInfoCodec.Decode(SsTableInfoCodec.Encode(info)));
        AssertNewer(e, "filter_format");
    }

    [Fact]
    public void SST_info_with_the_legacy_filter_format_has_SlateDB_0_12_bytes()
    {
        var info = new SsTableInfo { IndexOffset = 10, IndexLength = 20, FilterOffset = 5, FilterLength = 5 };
        var legacy = SsTableInfoCodec.Encode(info with { FilterFormat = FilterFormat.Legacy });
        Assert.Equal(info, SsTableInfoCodec.Decode(legacy));
        Assert.True(legacy.Length < SsTableInfoCodec.Encode(info with { FilterFormat = FilterFormat.Composite }).Length);
    }

    [Fact]
    public async Task A_database_whose_SSTs_have_composite_filter_blocks_reads_every_key_right()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, s_options))
        {
            for (int i = 0; i < 200; i++)
            {
                await db.PutAsync(Key(i), Value(i, 0), writeOptions: WriteOptions.NoWait);
            }

            await db.FlushAsync(FlushType.MemTable);

            // A second L0 SST, newer than the first: an overwrite and a delete that shadow it.
            await db.PutAsync(Key(7), Value(7, 1), writeOptions: WriteOptions.NoWait);
            await db.DeleteAsync(Key(9), writeOptions: WriteOptions.NoWait);
            await db.PutAsync(Key(1000), Value(1000, 0), writeOptions: WriteOptions.NoWait);
            await db.FlushAsync(FlushType.MemTable);
        }

        await NewerFormatObjects.DeclareFilterFormatAsync(store, "db", FilterFormat.Composite);

        var ssts = await store.ListAllAsync("db/compacted/");
        Assert.Equal(2, ssts.Count);
        foreach (var sst in ssts)
        {
            var file = await SstFile.OpenAsync(store, sst.Path);
            Assert.Equal(FilterFormat.Composite, file.Info.FilterFormat);
            Assert.Equal(["_bf"], file.FilterNames);
            Assert.NotNull(file.Filter);
        }

        foreach (var wal in await store.ListAllAsync("db/wal/"))
        {
            Assert.Equal(FilterFormat.Composite, (await SstFile.OpenAsync(store, wal.Path)).Info.FilterFormat);
        }

        await using (var reader = await DbReader.OpenAsync("db", store))
        {
            await AssertReadsAsync(async key => await reader.GetAsync(key));
        }

        await using (var db = await DbHandle.OpenAsync("db", store, s_options))
        {
            await AssertReadsAsync(async key => await db.GetAsync(key));
        }
    }

    private static async Task AssertReadsAsync(Func<byte[], Task<byte[]?>> get)
    {
        for (int i = 0; i < 200; i++)
        {
            var expected = i switch
            {
                7 => Value(7, 1),
                9 => null,
                _ => Value(i, 0),
            };
            Assert.Equal(expected, await get(Key(i)));
        }

        Assert.Equal(Value(1000, 0), await get(Key(1000)));
        for (int i = 200; i < 400; i++)
        {
            Assert.Null(await get(Key(i)));
        }

        Assert.Null(await get("absent"u8.ToArray()));
    }

    [Fact]
    public void A_compactions_file_of_format_version_3_is_refused_as_newer()
    {
        var bytes = CompactionsCodec.Encode(new CompactionsState(1, []));
        BinaryPrimitives.WriteUInt16BigEndian(bytes, 3);
        AssertNewer(Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(bytes)), "format version 3");
    }

    [Fact]
    public void A_manifest_of_an_unknown_format_version_is_refused_as_newer()
    {
        var bytes = ManifestCodec.Encode(ManifestState.Initial);
        BinaryPrimitives.WriteUInt16BigEndian(bytes, 3);
        AssertNewer(Assert.Throws<SlateFastException>(() => ManifestCodec.Decode(bytes)), "format version 3");
    }

    [Theory]
    [InlineData(6)]
    [InlineData(-1)]
    public void A_compaction_status_this_SlateFast_does_not_know_is_refused_not_read_as_submitted(sbyte status)
    {
        // The writer refuses such statuses, so the file is built field by field.
        var file = Tests.Manifest.RawCompactions.File(2, new Tests.Manifest.RawCompaction { Status = status });
        AssertNewer(Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(file)), "status has value");
    }

    private static byte[] Key(int i) => System.Text.Encoding.ASCII.GetBytes($"key-{i:D5}");

    private static byte[] Value(int i, int version) => System.Text.Encoding.ASCII.GetBytes($"value-{i}-{version}");
}
