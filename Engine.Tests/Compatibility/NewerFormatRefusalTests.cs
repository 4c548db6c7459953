using System.Buffers.Binary;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Tests.Compatibility;

/// <summary>
/// What SlateDB 0.13+ writes and this SlateFast does not understand is refused with
/// <see cref="ErrorKind.Data"/> saying a newer SlateDB wrote it, never read in part.
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
    public void A_manifest_with_segments_is_refused_naming_the_field()
    {
        var file = NewerFormatObjects.ManifestV2WithSegment("tenant-1/"u8.ToArray(), "fixed:9");
        var e = Assert.Throws<SlateFastException>(() => ManifestCodec.Decode(file));
        AssertNewer(e, "ManifestV2 has field id 16");
    }

    [Fact]
    public async Task A_database_whose_manifest_has_segments_opens_neither_as_writer_nor_as_reader()
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync(DbPaths.ManifestPath("db", 1), NewerFormatObjects.ManifestV2WithSegment("p/"u8.ToArray(), "fixed:2"));

        AssertNewer(await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", store, s_options)), "field id 16");
        AssertNewer(await Assert.ThrowsAsync<SlateFastException>(async () => await DbReader.OpenAsync("db", store)), "field id 16");
        Assert.Null(await store.HeadAsync(DbPaths.ManifestPath("db", 2)));
    }

    [Fact]
    public void SST_info_declaring_a_composite_filter_is_refused()
    {
        var info = new SsTableInfo { IndexOffset = 10, IndexLength = 20, FilterOffset = 5, FilterLength = 5, FilterFormat = FilterFormat.Composite };
        var e = Assert.Throws<SlateFastException>(() => SsTableInfoCodec.Decode(SsTableInfoCodec.Encode(info)));
        AssertNewer(e, "SsTableInfo has field id 10");
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
    public async Task A_database_whose_SSTs_declare_composite_filters_is_refused_rather_than_point_reads_missing_keys()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, s_options))
        {
            for (int i = 0; i < 200; i++)
            {
                await db.PutAsync(Key(i), Key(i), writeOptions: WriteOptions.NoWait);
            }

            await db.FlushAsync(FlushType.MemTable);
        }

        await NewerFormatObjects.DeclareFilterFormatAsync(store, "db", FilterFormat.Composite);

        AssertNewer(await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", store, s_options)), "field id 10");
        AssertNewer(await Assert.ThrowsAsync<SlateFastException>(async () => await DbReader.OpenAsync("db", store)), "field id 10");

        var sst = (await store.ListAllAsync("db/compacted/")).Single();
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await SstFile.OpenAsync(store, sst.Path));
        AssertNewer(e, "field id 10");
        Assert.Contains(sst.Path, e.Message, StringComparison.Ordinal);
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
}
