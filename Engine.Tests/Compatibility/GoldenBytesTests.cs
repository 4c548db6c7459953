using SlateFast.Fuzz.Seeds;
using System.Collections.Immutable;
using SlateFast.Format;
using SlateFast.Format.Blocks;
using SlateFast.Format.Rows;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Format;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Compatibility;

/// <summary>
/// What SlateFast writes for fixed inputs, byte for byte: rows in V1 and V2 blocks, whole SSTs
/// (blocks, filter, index, stats, info, footer) at each filter format, and manifests of both
/// versions. Each is a file under Engine.Tests/testdata/slatefast/, and each is also read back,
/// so a golden file is never merely "whatever was written last". A difference fails until the
/// file is regenerated on purpose (Engine.Tests/testdata/README.md).
/// </summary>
[Trait("Category", "Golden")] // reads Engine.Tests/testdata (scripts/golden)
public sealed class GoldenBytesTests
{
    private const long Created = 1_767_225_600_000; // 2026-01-01T00:00:00Z, ms
    private const long Expires = 1_798_761_600_000; // 2027-01-01T00:00:00Z, ms

    // Every row kind and optional field, in (key ascending, seq descending) order: two versions of
    // one key, an empty value, binary keys with 0x00 and 0xFF, keys that share prefixes.
    private static readonly TestRow[] s_rows =
    [
        new([0x00, 0xFF], B("binary"), 12, RowKind.Value, null, null),
        new(B("apple"), B("red"), 11, RowKind.Value, null, Created),
        new(B("apple"), B("green"), 7, RowKind.Value, null, Created - 1000),
        new(B("apricot"), [], 10, RowKind.Tombstone, null, Created),
        new(B("banana"), B("+1"), 9, RowKind.Merge, Expires, Created),
        new(B("band"), [], 8, RowKind.Value, Expires, null),
        new(B("bandana"), B("blue"), 6, RowKind.Value, null, null),
        new([0xFF, 0x00, 0xFF], B("last"), 5, RowKind.Value, null, Created),
    ];

    [Fact]
    public void A_V2_block_holds_every_row_kind_as_its_golden_bytes()
    {
        // A restart every 3 rows, so the block has shared prefixes and several restart points.
        using var builder = new BlockBuilderV2(4096, restartInterval: 3);
        foreach (var row in s_rows)
        {
            Assert.True(builder.TryAdd(row.ToEntry()));
        }

        var block = builder.Finish().ToArray();
        Golden.AssertWritten("slatefast/block-v2.bin", block);
        Blocks.AssertSameRows(s_rows, Blocks.ReadAll(Golden.Read("slatefast/block-v2.bin"), BlockFormat.V2));
    }

    [Fact]
    public void A_V1_block_holds_every_row_kind_as_its_golden_bytes()
    {
        using var builder = new BlockBuilderV1(4096);
        foreach (var row in s_rows)
        {
            Assert.True(builder.TryAdd(row.ToEntry()));
        }

        var block = builder.Finish().ToArray();
        Golden.AssertWritten("slatefast/block-v1.bin", block);
        Blocks.AssertSameRows(s_rows, Blocks.ReadAll(Golden.Read("slatefast/block-v1.bin"), BlockFormat.V1));
    }

    public static TheoryData<string, string> Ssts => new()
    {
        { "slatefast/sst-compacted-legacy-filter.sst", "compacted, SlateDB 0.12's raw bloom section" },
        { "slatefast/sst-compacted-composite-filter.sst", "compacted, SlateDB 0.13+'s composite filter with a fixed:2 prefix bloom" },
        { "slatefast/sst-wal-composite.sst", "a WAL object at 0.13+: no filter, the format declared" },
    };

    [Theory]
    [MemberData(nameof(Ssts))]
    public async Task An_sst_is_its_golden_bytes_and_reads_back_its_rows(string name, string what)
    {
        var wal = name.Contains("-wal-", StringComparison.Ordinal);
        var settings = name switch
        {
            _ when wal => SstBuildSettings.Wal(CompressionCodec.None, blockSize: 96, filterFormat: FilterFormat.Composite),
            _ when name.Contains("legacy", StringComparison.Ordinal) => new SstBuildSettings(96, CompressionCodec.None, 10, 0, SstType.Compacted),
            _ => new SstBuildSettings(96, CompressionCodec.None, 10, 0, SstType.Compacted, FilterFormat.Composite, PrefixExtractor: PrefixExtractor.FixedLength(2)),
        };

        // A WAL object holds rows in sequence order; a compacted SST by key.
        var rows = wal ? s_rows.OrderBy(r => r.Seq).ToArray() : s_rows;
        using (var builder = new SstBuilder(settings))
        {
            foreach (var row in rows)
            {
                builder.Add(row.ToEntry());
            }

            builder.Finish();
            Golden.AssertWritten(name, builder.Pending.Span);
        }

        var store = new InMemoryObjectStore();
        await store.PutAsync("golden.sst", Golden.Read(name));
        var reader = await SstReader.OpenAsync(store, "golden.sst");
        Assert.Equal(wal, reader.Properties.IsWal);
        Assert.True(reader.Properties.BlockCount > 2, $"{what}: the 96-byte blocks split the rows");
        var read = new List<TestRow>();
        await foreach (var r in reader.ReadRowsAsync())
        {
            read.Add(new TestRow(r.Key, r.Value, r.Seq, r.Kind, r.ExpireTs, r.CreateTs));
        }

        Blocks.AssertSameRows(rows, read);
    }

    [Fact]
    public void A_version_1_manifest_with_every_field_is_its_golden_bytes()
    {
        var sst = new CompactedSst(Ulid.Parse("01KDWHW0000000000000000001"), Info(SstType.Compacted), CompactedSst.CurrentFormatVersion);
        var older = new CompactedSst(Ulid.Parse("01KDWHW0000000000000000002"), Info(SstType.Compacted), CompactedSst.DefaultFormatVersion);
        var state = new ManifestState
        {
            ExternalDbs = [new ExternalDb("parent/db", Uuid.Parse("0f0e0d0c-0b0a-4908-8706-050403020100"), null, [older.Id])],
            WriterEpoch = 7,
            CompactorEpoch = 3,
            ReplayAfterWalId = 41,
            WalIdLastSeen = 44,
            LastCompactedL0SstViewId = older.Id,
            LastCompactedL0SstId = older.Id,
            L0 = [SstView.Whole(sst), new SstView(older.Id, older, new BytesRange(BytesBound.Included(B("a")), BytesBound.Excluded(B("m"))))],
            Compacted = [new SortedRun(2, [SstView.Whole(older)])],
            LastL0ClockTick = Created,
            Checkpoints = [new Checkpoint(Uuid.Parse("00112233-4455-4677-8899-aabbccddeeff"), 40, 1_800_000_000, 1_767_225_600, "nightly")],
            LastL0Seq = 1234,
            WalObjectStoreUri = "",
            RecentSnapshotMinSeq = 1200,
            SequenceTracker = new SequenceTracker([new SequenceSample(1000, Created / 1000), new SequenceSample(1234, Created / 1000 + 60)]),
        };

        AssertManifest("slatefast/manifest-v1.manifest", state, ManifestCodec.Version1);
    }

    [Fact]
    public void A_version_2_manifest_of_a_segmented_database_is_its_golden_bytes()
    {
        var sst = new CompactedSst(Ulid.Parse("01KDWHW0000000000000000004"), Info(SstType.Compacted), CompactedSst.CurrentFormatVersion);
        var state = new ManifestState
        {
            WriterEpoch = 2,
            ReplayAfterWalId = 9,
            WalIdLastSeen = 10,
            LastL0Seq = 99,
            SegmentExtractorName = "fixed:2",
            Segments =
            [
                new Segment(B("t1"), null, [SstView.Whole(sst)], []),
                new Segment(B("t2"), sst.Id, [], [new SortedRun(1, [SstView.Whole(sst)])]),
            ],
        };

        AssertManifest("slatefast/manifest-v2-segmented.manifest", state, ManifestCodec.Version2);
    }

    [Fact]
    public void Every_test_class_that_reads_a_golden_file_is_in_the_Golden_category()
    {
        var untagged = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "Engine.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.EndsWith("Golden.cs", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("Golden.Read(", StringComparison.Ordinal) || text.Contains("Golden.AssertWritten(", StringComparison.Ordinal))
                && !text.Contains("[Trait(\"Category\", \"Golden\")]", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f));
        Assert.Empty(untagged); // scripts/golden runs Category=Golden
    }

    private static void AssertManifest(string name, ManifestState state, ushort version)
    {
        Golden.AssertWritten(name, ManifestCodec.Encode(state));
        var file = Golden.Read(name);
        Assert.Equal(version, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(file));
        var decoded = ManifestCodec.Decode(file);
        Assert.Equal(state.WriterEpoch, decoded.WriterEpoch);
        Assert.Equal(state.AllViews().ToArray(), decoded.AllViews().ToArray());
        Assert.Equal(state.Checkpoints.ToArray(), decoded.Checkpoints.ToArray());
        Assert.Equal(file, ManifestCodec.Encode(decoded));
    }

    private static SsTableInfo Info(SstType type) => new()
    {
        FirstEntry = B("apple"),
        LastEntry = B("zebra"),
        IndexOffset = 4000,
        IndexLength = 120,
        FilterOffset = 3800,
        FilterLength = 200,
        Compression = CompressionCodec.Lz4,
        SstType = type,
        StatsOffset = 4120,
        StatsLength = 60,
    };
}
