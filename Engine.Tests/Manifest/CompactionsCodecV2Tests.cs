using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using SlateFast.Format.FlatBuffers;
using SlateFast.Fuzz.Targets;
using SlateFast.Manifest;
using SlateFast.Tests.Format;
using Xunit.Abstractions;

namespace SlateFast.Tests.Manifest;

/// <summary>
/// Compactions files of format version 2 (SlateDB 0.13 to 0.15) next to version 1 (0.12): what each
/// holds, how 0.15 reads both, and that writing gives 0.15's bytes.
/// </summary>
public sealed class CompactionsCodecV2Tests(ITestOutputHelper output)
{
    private static readonly byte[] s_tenant = Encoding.ASCII.GetBytes("tenant-1/");

    private static CompactedSst Sst(Random r) => new(ManifestSamples.NewUlid(r), ManifestSamples.Info(r), (ushort)r.Next(1, 3));

    /// <summary>One compaction per status, and every spec, worker and context shape version 2 has.</summary>
    private static CompactionsState Everything()
    {
        var r = new Random(21);
        var m = Encoding.ASCII.GetBytes("m");
        var subcompactions = ImmutableArray.Create(
            new Subcompaction(new BytesRange(BytesBound.Unbounded, BytesBound.Excluded(m)), [Sst(r), Sst(r)]),
            new Subcompaction(new BytesRange(BytesBound.Included(m), BytesBound.Included(Encoding.ASCII.GetBytes("t"))), []),
            new Subcompaction(new BytesRange(BytesBound.Excluded(Encoding.ASCII.GetBytes("t")), BytesBound.Unbounded), [Sst(r)]));
        return new CompactionsState(9, [
            new Compaction(new Ulid(10, 1), CompactionSpec.Tiered([new Ulid(5, 5), new Ulid(5, 4)], [], 7), CompactionStatus.Submitted, []),
            new Compaction(new Ulid(10, 2), CompactionSpec.Tiered([], [4, 3], 3, s_tenant), CompactionStatus.Scheduled, [])
            {
                Context = new CompactionContext([], null),
            },
            new Compaction(new Ulid(10, 3), CompactionSpec.Tiered([new Ulid(6, 1)], [2], 2), CompactionStatus.Running, [])
            {
                Worker = new CompactionWorker("worker-a", 1_763_690_001_234),
                Context = new CompactionContext(subcompactions, 4_000_000_000),
            },
            new Compaction(new Ulid(10, 4), CompactionSpec.Tiered([new Ulid(6, 2)], [], 11), CompactionStatus.Compacted, [Sst(r), Sst(r)])
            {
                Worker = new CompactionWorker("", 0),
                Context = new CompactionContext([subcompactions[0]], 0),
            },
            new Compaction(new Ulid(10, 5), new CompactionSpec([new Ulid(6, 3)], [1, 0]), CompactionStatus.Completed, [Sst(r)]),
            new Compaction(new Ulid(10, 6), CompactionSpec.Drain(Encoding.ASCII.GetBytes("old/"), [new Ulid(7, 1)], [8, 9]), CompactionStatus.Failed, [Sst(r)]),
            new Compaction(new Ulid(10, 7), CompactionSpec.Drain(Encoding.ASCII.GetBytes("x"), [], []), CompactionStatus.Submitted, []),
        ]);
    }

    [Fact]
    public void Every_version_2_feature_round_trips()
    {
        var state = Everything();
        var bytes = CompactionsCodec.Encode(state, CompactionsCodec.V2);
        Assert.Equal(new byte[] { 0, 2 }, bytes[..2]);
        var back = CompactionsCodec.Decode(bytes);

        Assert.Equal(2, back.FormatVersion);
        Assert.Equal(9UL, back.CompactorEpoch);
        Assert.Null(StateDifference.Of(state, back));
        Assert.Equal(bytes, CompactionsCodec.Encode(back, CompactionsCodec.V2));

        Assert.Equal(
            new[] { CompactionStatus.Submitted, CompactionStatus.Scheduled, CompactionStatus.Running, CompactionStatus.Compacted, CompactionStatus.Completed, CompactionStatus.Failed, CompactionStatus.Submitted },
            back.Recent.Select(c => c.Status).ToArray());

        // Destinations are stored: an L0-only compaction into a new run keeps its run.
        Assert.Equal(new uint?[] { 7, 3, 2, 11, 0, null, null }, back.Recent.Select(c => c.Spec.Destination).ToArray());
        Assert.All(back.Recent.Where(c => !c.Spec.IsDrain), c => Assert.NotNull(c.Spec.ExplicitDestination));

        Assert.Equal(s_tenant, back.Recent[1].Spec.Segment.ToArray());
        Assert.True(back.Recent[0].Spec.Segment.IsEmpty);
        Assert.Equal(CompactionSpecKind.DrainSegment, back.Recent[5].Spec.Kind);
        Assert.Equal("old/"u8.ToArray(), back.Recent[5].Spec.Segment.ToArray());
        Assert.Equal(new[] { new Ulid(7, 1) }, back.Recent[5].Spec.L0ViewIds.ToArray());
        Assert.Equal(new uint[] { 8, 9 }, back.Recent[5].Spec.SortedRuns.ToArray());
        Assert.Empty(back.Recent[6].Spec.SortedRuns);

        Assert.Equal(new CompactionWorker("worker-a", 1_763_690_001_234), back.Recent[2].Worker);
        Assert.Equal(new CompactionWorker("", 0), back.Recent[3].Worker);
        Assert.Null(back.Recent[0].Worker);

        var ctx = back.Recent[2].Context!;
        Assert.Equal(4_000_000_000UL, ctx.RetentionMinSeq);
        Assert.Equal(3, ctx.Subcompactions.Length);
        Assert.Equal(state.Recent[2].Context!.Subcompactions[1].Range, ctx.Subcompactions[1].Range);
        Assert.Equal(state.Recent[2].Context!.Subcompactions[0].OutputSsts.ToArray(), ctx.Subcompactions[0].OutputSsts.ToArray());
        Assert.Empty(ctx.Subcompactions[1].OutputSsts);

        // "Not planned yet" is written as 0 and read back as 0, as SlateDB does.
        Assert.Equal(0UL, back.Recent[1].Context!.RetentionMinSeq);
        Assert.Empty(back.Recent[1].Context!.Subcompactions);
        Assert.Null(back.Recent[0].Context);
    }

    [Fact]
    public void Version_1_bytes_are_unchanged()
    {
        // The compactions file of SlateDB 0.12's `compacted` fixture re-encodes to itself.
        var slateDb = CompactionsCodec.Decode(SlateFast.Fuzz.Seeds.SlateDbSamples.Compactions);
        Assert.Equal(1, slateDb.FormatVersion);
        Assert.Equal(SlateFast.Fuzz.Seeds.SlateDbSamples.Compactions, CompactionsCodec.Encode(slateDb));
        Assert.Equal(SlateFast.Fuzz.Seeds.SlateDbSamples.Compactions, CompactionsCodec.Encode(slateDb, CompactionsCodec.V1));

        var sample = SlateFast.Fuzz.Seeds.ManifestSamples.Compactions();
        Assert.Equal(CompactionsCodec.Encode(sample), CompactionsCodec.Encode(sample, CompactionsCodec.V1));

        // A stored destination equal to the one version 1 derives costs nothing to drop.
        var spec = new CompactionSpec([new Ulid(1, 1)], [5, 3]);
        var plain = new CompactionsState(1, [new Compaction(new Ulid(2, 2), spec, CompactionStatus.Submitted, [])]);
        var stored = plain with { Recent = [plain.Recent[0] with { Spec = spec with { ExplicitDestination = 3 } }] };
        Assert.Equal(CompactionsCodec.Encode(plain), CompactionsCodec.Encode(stored));
    }

    /// <summary>
    /// Derived by hand, not by running any builder: SlateDB 0.15's <c>create_compactions</c> for
    /// epoch 7 and one Running compaction (id Ulid{1,2}; tiered spec, l0_view_ids [Ulid{3,4}],
    /// sorted_runs [9], segment "p", destination 5; no outputs, worker or context), following the
    /// Rust builder back to front. Children in add_compaction's order: id Ulid, view Ulid, views
    /// vector, runs vector, segment vector, spec table, output_ssts (empty, always written),
    /// Compaction, the compactions vector, the root. Each table's fields go in the generated
    /// create() order (TieredCompactionSpec: destination, segment, l0_view_ids, sorted_runs;
    /// Compaction: output_ssts, spec, id, status, spec_type; ctx_type NONE is the default and
    /// omitted). Padding: every scalar aligned to its size counted from the buffer's end; vectors
    /// aligned to 4; the finish pads to the largest alignment used (8). No vtable is shared: the view
    /// Ulid's table is 4 bytes longer than the id Ulid's (alignment padding), so their vtables differ.
    /// Lines below are buffer offsets after the 2-byte version prefix.
    /// </summary>
    private const string HandDerivedV2 =
        "0002" +
        "10000000" + "00000000" +                          // 0: root uoffset -> 16; pad to 8
        "0800" + "1000" + "0800" + "0400" +                // 8: CompactionsV1 vtable: 8 bytes, table 16, epoch @8, recent @4
        "08000000" + "0c000000" + "0700000000000000" +     // 16: soffset 8; recent_compactions -> 32; compactor_epoch 7
        "01000000" + "14000000" + "0000" +                 // 32: vector of 1 -> 56; pad
        "0e00" + "1400" + "0800" + "0600" + "0c00" + "0700" + "1000" + // 42: Compaction vtable: id @8, spec_type @6, spec @12, status @7, output_ssts @16
        "0e000000" + "0000" + "01" + "01" +                // 56: soffset 14; pad; spec_type Tiered; status Running
        "74000000" + "1c000000" + "04000000" +             // 64: id -> 180; spec -> 96; output_ssts -> 76
        "00000000" + "0000" +                              // 76: output_ssts, empty; pad
        "0e00" + "1400" + "0000" + "0400" + "0800" + "0c00" + "1000" + // 82: spec vtable: ssts absent, sorted_runs @4, l0_view_ids @8, segment @12, destination @16
        "0e000000" + "18000000" + "1c000000" + "08000000" + "05000000" + // 96: soffset 14; sorted_runs -> 124; l0_view_ids -> 132; segment -> 116; destination 5
        "01000000" + "70" + "000000" +                     // 116: segment "p"; pad
        "01000000" + "09000000" +                          // 124: sorted_runs [9]
        "01000000" + "0c000000" +                          // 132: l0_view_ids, 1 -> 148
        "0800" + "1800" + "0400" + "0c00" +                // 140: view Ulid vtable: table 24, high @4, low @12
        "08000000" + "0300000000000000" + "0400000000000000" + "00000000" + // 148: view Ulid {3, 4}; pad
        "0800" + "1400" + "0400" + "0c00" +                // 172: id Ulid vtable: table 20
        "08000000" + "0100000000000000" + "0200000000000000"; // 180: id Ulid {1, 2}

    [Fact]
    public void Version_2_bytes_equal_a_hand_derived_SlateDB_0_15_file()
    {
        var state = new CompactionsState(7, [
            new Compaction(new Ulid(1, 2), CompactionSpec.Tiered([new Ulid(3, 4)], [9], 5, "p"u8.ToArray()), CompactionStatus.Running, []),
        ]);
        var expected = Convert.FromHexString(HandDerivedV2);
        Assert.Equal(202, expected.Length);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(CompactionsCodec.Encode(state, CompactionsCodec.V2)));

        var back = CompactionsCodec.Decode(expected);
        Assert.Equal(5u, back.Recent[0].Spec.Destination);
        Assert.Equal("p"u8.ToArray(), back.Recent[0].Spec.Segment.ToArray());
    }

    [Fact]
    public void Version_2_writes_compactions_in_id_order_and_refuses_two_with_one_id()
    {
        var a = new Compaction(new Ulid(1, 1), new CompactionSpec([], [1]), CompactionStatus.Completed, []);
        var b = new Compaction(new Ulid(2, 0), new CompactionSpec([], [2]), CompactionStatus.Failed, []);
        Assert.Equal(
            CompactionsCodec.Encode(new CompactionsState(1, [a, b]), CompactionsCodec.V2),
            CompactionsCodec.Encode(new CompactionsState(1, [b, a]), CompactionsCodec.V2));

        var e = Assert.Throws<SlateFastException>(() => CompactionsCodec.Encode(new CompactionsState(1, [a, b, a with { Status = CompactionStatus.Failed }]), CompactionsCodec.V2));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public void Destination_is_stored_in_version_2_and_derived_in_version_1()
    {
        // sorted_runs [4, 2], no destination field.
        var noField = RawCompactions.Spec(runs: [4, 2]);
        Assert.Equal(0u, Single(RawCompactions.File(2, new RawCompaction { Spec = noField })).Spec.Destination);
        Assert.Equal(2u, Single(RawCompactions.File(1, new RawCompaction { Spec = noField })).Spec.Destination);
        Assert.Null(Single(RawCompactions.File(1, new RawCompaction { Spec = noField })).Spec.ExplicitDestination);

        // A stored destination: trusted by version 2, ignored by version 1.
        var stored = RawCompactions.Spec(runs: [4, 2], destination: 7);
        Assert.Equal(7u, Single(RawCompactions.File(2, new RawCompaction { Spec = stored })).Spec.Destination);
        Assert.Equal(2u, Single(RawCompactions.File(1, new RawCompaction { Spec = stored })).Spec.Destination);

        // L0 only: version 1 derives 0.
        var l0Only = RawCompactions.Spec(views: [new Ulid(3, 3)], destination: 12);
        Assert.Equal(12u, Single(RawCompactions.File(2, new RawCompaction { Spec = l0Only })).Spec.Destination);
        Assert.Equal(0u, Single(RawCompactions.File(1, new RawCompaction { Spec = l0Only })).Spec.Destination);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Absent_segment_is_the_root_tree_and_present_segments_are_read_in_both_versions(ushort version)
    {
        Assert.True(Single(RawCompactions.File(version, new RawCompaction { Spec = RawCompactions.Spec(runs: [1]) })).Spec.Segment.IsEmpty);
        Assert.True(Single(RawCompactions.File(version, new RawCompaction { Spec = RawCompactions.Spec(runs: [1], segment: []) })).Spec.Segment.IsEmpty);
        var named = Single(RawCompactions.File(version, new RawCompaction { Spec = RawCompactions.Spec(runs: [1], segment: s_tenant) }));
        Assert.Equal(s_tenant, named.Spec.Segment.ToArray());
        Assert.Equal(CompactionSpecKind.Tiered, named.Spec.Kind);
    }

    [Fact]
    public void L0_view_ids_win_over_the_deprecated_ssts_which_are_read_when_alone()
    {
        var both = Single(RawCompactions.File(2, new RawCompaction { Spec = RawCompactions.Spec(ssts: [new Ulid(1, 1)], views: [new Ulid(2, 2), new Ulid(2, 3)]) }));
        Assert.Equal(new[] { new Ulid(2, 2), new Ulid(2, 3) }, both.Spec.L0ViewIds.ToArray());

        var legacy = Single(RawCompactions.File(2, new RawCompaction { Spec = RawCompactions.Spec(ssts: [new Ulid(1, 1)], runs: [3]) }));
        Assert.Equal(new[] { new Ulid(1, 1) }, legacy.Spec.L0ViewIds.ToArray());
        Assert.Equal(new uint[] { 3 }, legacy.Spec.SortedRuns.ToArray());

        // An empty l0_view_ids is present, so it still wins.
        var emptyViews = Single(RawCompactions.File(2, new RawCompaction { Spec = RawCompactions.Spec(ssts: [new Ulid(1, 1)], views: []) }));
        Assert.Empty(emptyViews.Spec.L0ViewIds);
    }

    [Fact]
    public void Drain_spec_reads_segment_views_and_runs()
    {
        var drain = Single(RawCompactions.File(2, new RawCompaction
        {
            SpecType = 2,
            Spec = b => RawCompactions.DrainSpec(b, "seg/"u8.ToArray(), [new Ulid(4, 4)], [6, 5]),
        }));
        Assert.True(drain.Spec.IsDrain);
        Assert.Null(drain.Spec.Destination);
        Assert.Equal("seg/"u8.ToArray(), drain.Spec.Segment.ToArray());
        Assert.Equal(new[] { new Ulid(4, 4) }, drain.Spec.L0ViewIds.ToArray());
        Assert.Equal(new uint[] { 6, 5 }, drain.Spec.SortedRuns.ToArray());

        // segment is required in a drain spec.
        var e = Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(RawCompactions.File(2, new RawCompaction
        {
            SpecType = 2,
            Spec = b => RawCompactions.DrainSpec(b, null, [], []),
        })));
        Assert.Equal(ErrorKind.Data, e.Kind);
    }

    [Fact]
    public void Worker_without_an_id_is_unclaimed_and_context_reads_subcompactions_and_retention()
    {
        var unclaimed = Single(RawCompactions.File(2, new RawCompaction { Status = 1, Worker = b => RawCompactions.Worker(b, null, 55) }));
        Assert.Null(unclaimed.Worker);
        var claimed = Single(RawCompactions.File(2, new RawCompaction { Status = 1, Worker = b => RawCompactions.Worker(b, "w", 55) }));
        Assert.Equal(new CompactionWorker("w", 55), claimed.Worker);

        var r = new Random(5);
        var output = Sst(r);
        var withCtx = Single(RawCompactions.File(2, new RawCompaction
        {
            Status = 1,
            CtxType = 1,
            Ctx = b => RawCompactions.Context(b, BytesRange.All, output, retentionMinSeq: null),
        }));
        var ctx = withCtx.Context!;
        Assert.Equal(0UL, ctx.RetentionMinSeq);
        Assert.Equal(BytesRange.All, Assert.Single(ctx.Subcompactions).Range);
        Assert.Equal(output, Assert.Single(ctx.Subcompactions[0].OutputSsts));

        Assert.Equal(99UL, Single(RawCompactions.File(2, new RawCompaction
        {
            CtxType = 1,
            Ctx = b => RawCompactions.Context(b, BytesRange.All, null, retentionMinSeq: 99),
        })).Context!.RetentionMinSeq);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Top_level_outputs_of_jobs_not_yet_compacted_are_dropped_in_both_versions(ushort version)
    {
        var r = new Random(8);
        var output = Sst(r);
        foreach (var status in Enum.GetValues<CompactionStatus>())
        {
            var c = Single(RawCompactions.File(version, new RawCompaction { Status = (sbyte)status, Outputs = output }));
            bool kept = status is CompactionStatus.Compacted or CompactionStatus.Completed or CompactionStatus.Failed;
            Assert.Equal(kept ? new[] { output } : [], c.OutputSsts.ToArray());
        }
    }

    [Theory]
    [InlineData(6)]
    [InlineData(127)]
    [InlineData(-1)]
    public void Unknown_status_is_refused_as_newer_not_read_as_submitted(sbyte status)
    {
        foreach (ushort version in new ushort[] { 1, 2 })
        {
            var e = Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(RawCompactions.File(version, new RawCompaction { Status = status })));
            AssertNewer(e, $"status has value {status}");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(200)]
    public void Unknown_spec_union_type_is_refused_as_newer(byte type)
    {
        var e = Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(RawCompactions.File(2, new RawCompaction { SpecType = type })));
        AssertNewer(e, $"spec has union type {type}");
    }

    [Fact]
    public void Unknown_context_union_type_is_refused_as_newer()
    {
        var e = Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(RawCompactions.File(2, new RawCompaction
        {
            CtxType = 2,
            Ctx = b => RawCompactions.Context(b, BytesRange.All, null, 1),
        })));
        AssertNewer(e, "ctx has union type 2");
    }

    [Fact]
    public void Unknown_field_and_version_3_are_refused_as_newer()
    {
        var e = Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(RawCompactions.File(2, new RawCompaction { ExtraField = 8 })));
        AssertNewer(e, "Compaction has field id 8");

        var v3 = CompactionsCodec.Encode(new CompactionsState(1, []), CompactionsCodec.V2);
        BinaryPrimitives.WriteUInt16BigEndian(v3, 3);
        AssertNewer(Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(v3)), "format version 3");

        var v0 = (byte[])v3.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(v0, 0);
        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(v0)).Kind);
    }

    public static TheoryData<string> VersionTwoOnly() => [.. s_versionTwoOnly.Keys];

    private static readonly Dictionary<string, Func<Compaction, Compaction>> s_versionTwoOnly = new()
    {
        ["drain spec"] = c => c with { Spec = CompactionSpec.Drain("d"u8.ToArray(), [], [1]) },
        ["segment"] = c => c with { Spec = c.Spec with { Segment = "s"u8.ToArray() } },
        ["destination other than the smallest run"] = c => c with { Spec = c.Spec with { ExplicitDestination = 9 } },
        ["worker"] = c => c with { Worker = new CompactionWorker("w", 1) },
        ["context"] = c => c with { Context = new CompactionContext([], 0) },
        ["Compacted"] = c => c with { Status = CompactionStatus.Compacted },
        ["Scheduled"] = c => c with { Status = CompactionStatus.Scheduled },
        ["status 6"] = c => c with { Status = (CompactionStatus)6 },
    };

    [Theory]
    [MemberData(nameof(VersionTwoOnly))]
    public void Version_1_encoding_of_what_only_version_2_holds_is_Invalid(string feature)
    {
        var plain = new Compaction(new Ulid(1, 1), new CompactionSpec([new Ulid(2, 2)], [4]), CompactionStatus.Running, []);
        var state = new CompactionsState(1, [plain, s_versionTwoOnly[feature](plain with { Id = new Ulid(1, 2) })]);
        Assert.False(CompactionsCodec.FitsVersion1(state, out var reason));
        var e = Assert.Throws<SlateFastException>(() => CompactionsCodec.Encode(state));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Equal(reason, e.Message);
        Assert.Contains("version 1", e.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => CompactionsCodec.Encode(state, CompactionsCodec.V1, new System.Buffers.ArrayBufferWriter<byte>())).Kind);
    }

    [Fact]
    public void Version_2_encoding_refuses_what_it_cannot_write()
    {
        var plain = new Compaction(new Ulid(1, 1), new CompactionSpec([], [4]), CompactionStatus.Running, []);
        Compaction[] bad =
        [
            plain with { Status = (CompactionStatus)6 },
            plain with { Status = (CompactionStatus)(-1) },
            plain with { Spec = CompactionSpec.Drain("d"u8.ToArray(), [], []) with { ExplicitDestination = 1 } },
            plain with { Spec = plain.Spec with { Kind = (CompactionSpecKind)3 } },
        ];
        foreach (var c in bad)
        {
            Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => CompactionsCodec.Encode(new CompactionsState(1, [c]), CompactionsCodec.V2)).Kind);
        }

        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => CompactionsCodec.Encode(new CompactionsState(1, []), 3)).Kind);
    }

    [Fact]
    public void Encode_decode_encode_is_byte_identical_for_random_states()
    {
        int seed = TestSeed.Next(output);
        var r = new Random(seed);
        for (int trial = 0; trial < 400; trial++)
        {
            bool v2 = trial % 2 == 0;
            ushort version = v2 ? CompactionsCodec.V2 : CompactionsCodec.V1;
            var state = RandomState(r, v2);
            var first = CompactionsCodec.Encode(state, version);
            var decoded = CompactionsCodec.Decode(first);
            Assert.True(first.AsSpan().SequenceEqual(CompactionsCodec.Encode(decoded, version)), $"seed {seed} trial {trial} version {version}");

            var expected = v2 ? state with { Recent = [.. state.Recent.OrderBy(c => c.Id)] } : state;
            Assert.True(StateDifference.Of(expected, decoded) is null, $"seed {seed} trial {trial} version {version}: {StateDifference.Of(expected, decoded)}");
            Assert.Equal(version, decoded.FormatVersion);

            if (!v2)
            {
                // Everything version 1 holds, version 2 holds too, and reads back the same.
                var up = CompactionsCodec.Decode(CompactionsCodec.Encode(decoded, CompactionsCodec.V2));
                var sorted = state with { Recent = [.. state.Recent.OrderBy(c => c.Id)] };
                Assert.True(StateDifference.Of(sorted, up) is null, $"seed {seed} trial {trial} as version 2: {StateDifference.Of(sorted, up)}");
            }
        }
    }

    /// <summary>
    /// A state the given version holds, in the shape a decoder returns: top-level outputs only where
    /// 0.15 keeps them, one compaction per id.
    /// </summary>
    private static CompactionsState RandomState(Random r, bool v2)
    {
        int count = r.Next(0, 6);
        var ids = new HashSet<Ulid>();
        var recent = ImmutableArray.CreateBuilder<Compaction>();
        for (int i = 0; i < count; i++)
        {
            var id = ManifestSamples.NewUlid(r);
            if (!ids.Add(id))
            {
                continue;
            }

            var views = Enumerable.Range(0, r.Next(0, 4)).Select(_ => ManifestSamples.NewUlid(r)).ToImmutableArray();
            var runs = Enumerable.Range(0, r.Next(0, 4)).Select(_ => (uint)r.Next(0, 50)).ToImmutableArray();
            var spec = new CompactionSpec(views, runs);
            var status = (CompactionStatus)r.Next(0, v2 ? 6 : 4);
            CompactionWorker? worker = null;
            CompactionContext? context = null;
            if (v2)
            {
                spec = r.Next(4) switch
                {
                    0 => CompactionSpec.Drain(RandomBytes(r, 1), views, runs),
                    1 => spec,
                    _ => CompactionSpec.Tiered(views, runs, (uint)r.Next(0, 60), r.Next(2) == 0 ? default : RandomBytes(r, 0)),
                };
                worker = r.Next(2) == 0 ? null : new CompactionWorker(RandomText(r), (ulong)r.NextInt64());
                context = r.Next(2) == 0 ? null : new CompactionContext(
                    [.. Enumerable.Range(0, r.Next(0, 3)).Select(_ => new Subcompaction(RandomRange(r), [.. Enumerable.Range(0, r.Next(0, 3)).Select(_ => Sst(r))]))],
                    r.Next(3) == 0 ? null : (ulong)r.NextInt64());
            }

            bool keepsOutputs = status is CompactionStatus.Compacted or CompactionStatus.Completed or CompactionStatus.Failed;
            var outputs = keepsOutputs ? Enumerable.Range(0, r.Next(0, 3)).Select(_ => Sst(r)).ToImmutableArray() : [];
            recent.Add(new Compaction(id, spec, status, outputs) { Worker = worker, Context = context });
        }

        return new CompactionsState((ulong)r.NextInt64(), recent.ToImmutable());
    }

    private static byte[] RandomBytes(Random r, int min)
    {
        var bytes = new byte[r.Next(min, 12)];
        r.NextBytes(bytes);
        return bytes;
    }

    private static string RandomText(Random r) => new([.. Enumerable.Range(0, r.Next(0, 10)).Select(_ => (char)r.Next('a', 'z' + 1))]);

    private static BytesRange RandomRange(Random r)
    {
        BytesBound Bound() => r.Next(3) switch
        {
            0 => BytesBound.Unbounded,
            1 => BytesBound.Included(RandomBytes(r, 0)),
            _ => BytesBound.Excluded(RandomBytes(r, 0)),
        };

        return new BytesRange(Bound(), Bound());
    }

    private static Compaction Single(byte[] file) => Assert.Single(CompactionsCodec.Decode(file).Recent);

    private static void AssertNewer(SlateFastException e, string detail)
    {
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains("newer SlateDB", e.Message, StringComparison.Ordinal);
        Assert.Contains(detail, e.Message, StringComparison.Ordinal);
    }
}

/// <summary>One <c>Compaction</c> table as a test writes it, field by field; unset fields are left out.</summary>
internal sealed class RawCompaction
{
    public Ulid Id { get; init; } = new(1, 2);

    public byte SpecType { get; init; } = 1;

    /// <summary>Builds the spec table; by default a tiered spec with sorted run 1.</summary>
    public Func<FlatBufferBuilder, int>? Spec { get; init; }

    public sbyte Status { get; init; }

    /// <summary>One top-level output SST, or none.</summary>
    public CompactedSst? Outputs { get; init; }

    public Func<FlatBufferBuilder, int>? Worker { get; init; }

    public byte CtxType { get; init; }

    public Func<FlatBufferBuilder, int>? Ctx { get; init; }

    /// <summary>A field id the 0.15 schema does not have, written as a u32 1.</summary>
    public int? ExtraField { get; init; }
}

/// <summary>
/// Compactions files built with <see cref="FlatBufferBuilder"/> straight from compactor.fbs at
/// v0.15.0 (field ids as in the schema), independent of the codec's writer, so decoding can be
/// checked on shapes the writer never produces.
/// </summary>
internal static class RawCompactions
{
    public static byte[] File(ushort version, params RawCompaction[] compactions)
    {
        var b = new FlatBufferBuilder();
        var offsets = new int[compactions.Length];
        for (int i = 0; i < compactions.Length; i++)
        {
            offsets[i] = Write(b, compactions[i]);
        }

        int vector = b.CreateOffsetVector(offsets);
        int root = b.StartTable();
        b.AddOffset(1, vector);
        var body = b.Finish(b.EndTable(root));
        var file = new byte[body.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(file, version);
        body.CopyTo(file.AsSpan(2));
        return file;
    }

    /// <summary>A <c>TieredCompactionSpec</c> writer: null leaves a field out; a destination, even 0, is written.</summary>
    public static Func<FlatBufferBuilder, int> Spec(Ulid[]? ssts = null, uint[]? runs = null, Ulid[]? views = null, byte[]? segment = null, uint? destination = null) => b =>
    {
        int sstsVector = ssts is null ? 0 : Ulids(b, ssts);
        int runsVector = runs is null ? 0 : b.CreateU32Vector(runs);
        int viewsVector = views is null ? 0 : Ulids(b, views);
        int segmentVector = segment is null ? 0 : b.CreateByteVector(segment);
        int t = b.StartTable();
        if (destination is { } d)
        {
            b.ForceDefaults = true;
            b.AddU32(4, d);
            b.ForceDefaults = false;
        }

        AddIf(b, 3, segmentVector);
        AddIf(b, 2, viewsVector);
        AddIf(b, 1, runsVector);
        AddIf(b, 0, sstsVector);
        return b.EndTable(t);
    };

    public static int DrainSpec(FlatBufferBuilder b, byte[]? segment, Ulid[] views, uint[] runs)
    {
        int segmentVector = segment is null ? 0 : b.CreateByteVector(segment);
        int viewsVector = Ulids(b, views);
        int runsVector = b.CreateU32Vector(runs);
        int t = b.StartTable();
        b.AddOffset(2, runsVector);
        b.AddOffset(1, viewsVector);
        AddIf(b, 0, segmentVector);
        return b.EndTable(t);
    }

    public static int Worker(FlatBufferBuilder b, string? id, ulong heartbeat)
    {
        int s = id is null ? 0 : b.CreateString(id);
        int t = b.StartTable();
        b.AddU64(1, heartbeat);
        AddIf(b, 0, s);
        return b.EndTable(t);
    }

    /// <summary>A <c>TieredCompactionContext</c> with one subcompaction; retention_min_seq left out when null.</summary>
    public static int Context(FlatBufferBuilder b, BytesRange range, CompactedSst? output, ulong? retentionMinSeq)
    {
        int r = ManifestTables.WriteRange(b, range);
        int outputs = output is null ? 0 : b.CreateOffsetVector([ManifestTables.WriteCompactedSst(b, output, null)]);
        int sub = b.StartTable();
        AddIf(b, 1, outputs);
        b.AddOffset(0, r);
        int subs = b.CreateOffsetVector([b.EndTable(sub)]);
        int t = b.StartTable();
        if (retentionMinSeq is { } seq)
        {
            b.AddU64(1, seq);
        }

        b.AddOffset(0, subs);
        return b.EndTable(t);
    }

    private static int Write(FlatBufferBuilder b, RawCompaction c)
    {
        int id = ManifestTables.WriteUlid(b, c.Id);
        int spec = (c.Spec ?? Spec(runs: [1]))(b);
        int outputs = c.Outputs is null ? 0 : b.CreateOffsetVector([ManifestTables.WriteCompactedSst(b, c.Outputs, null)]);
        int worker = c.Worker?.Invoke(b) ?? 0;
        int ctx = c.Ctx?.Invoke(b) ?? 0;
        int t = b.StartTable();
        if (c.ExtraField is { } extra)
        {
            b.AddU32(extra, 1);
        }

        AddIf(b, 7, ctx);
        AddIf(b, 5, worker);
        AddIf(b, 4, outputs);
        b.AddOffset(2, spec);
        b.AddOffset(0, id);
        b.AddU8(6, c.CtxType);
        b.AddI8(3, c.Status);
        b.AddU8(1, c.SpecType);
        return b.EndTable(t);
    }

    private static int Ulids(FlatBufferBuilder b, Ulid[] ids)
    {
        var offsets = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            offsets[i] = ManifestTables.WriteUlid(b, ids[i]);
        }

        return b.CreateOffsetVector(offsets);
    }

    private static void AddIf(FlatBufferBuilder b, int field, int offset)
    {
        if (offset != 0)
        {
            b.AddOffset(field, offset);
        }
    }
}
