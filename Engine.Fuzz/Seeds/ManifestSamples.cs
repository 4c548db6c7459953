using System.Collections.Immutable;
using System.Text;
using SlateFast.Manifest;
using SlateFast.Sst;

namespace SlateFast.Fuzz.Seeds;

/// <summary>
/// Manifest, compactions and sequence-tracker states that use every field the V1 encodings have
/// (visible ranges of each bound kind, external databases, named checkpoints, a WAL store URI),
/// encoded with SlateFast's codecs.
/// </summary>
internal static class ManifestSamples
{
    public static ManifestState Rich()
    {
        var random = new Random(7);
        var ssts = Enumerable.Range(0, 6).Select(i => Sst(random, i)).ToArray();
        return new ManifestState
        {
            ExternalDbs = [new ExternalDb("parent/db", Uuid.NewV4(random), Uuid.NewV4(random), [ssts[0].Id, ssts[1].Id])],
            Initialized = true,
            WriterEpoch = 3,
            CompactorEpoch = 2,
            ReplayAfterWalId = 41,
            WalIdLastSeen = 47,
            LastCompactedL0SstId = ssts[5].Id,
            LastCompactedL0SstViewId = ssts[5].Id,
            L0 =
            [
                new SstView(ssts[0].Id, ssts[0]),
                new SstView(ssts[1].Id, ssts[1], new BytesRange(BytesBound.Included("b"u8.ToArray()), BytesBound.Excluded("m"u8.ToArray()))),
            ],
            Compacted =
            [
                new SortedRun(1, [new SstView(ssts[2].Id, ssts[2]), new SstView(ssts[3].Id, ssts[3], new BytesRange(BytesBound.Unbounded, BytesBound.Included(new byte[] { 0xFF })))]),
                new SortedRun(0, [new SstView(ssts[4].Id, ssts[4])]),
            ],
            LastL0ClockTick = 1_763_690_000_000,
            Checkpoints =
            [
                new Checkpoint(Uuid.NewV4(random), 40, 1_795_230_658, 1_763_690_000, "nightly"),
                new Checkpoint(Uuid.NewV4(random), 45, 0, 1_763_690_100),
            ],
            LastL0Seq = 123_456,
            WalObjectStoreUri = "s3://wal-bucket/db",
            RecentSnapshotMinSeq = 123_000,
            SequenceTracker = Tracker(),
        };
    }

    /// <summary>
    /// <see cref="Rich"/> as SlateDB 0.13+ segments it: version 2, the root tree's SSTs moved into
    /// two segments (one with a sorted run), extractor named; what the V2 reader parses.
    /// </summary>
    public static ManifestState Segmented()
    {
        var rich = Rich();
        return rich with
        {
            WalObjectStoreUri = null,
            L0 = [],
            Compacted = [],
            Segments =
            [
                new Segment("a/"u8.ToArray(), rich.L0[0].Id, [rich.L0[1]], [rich.Compacted[1]]),
                new Segment("b/"u8.ToArray(), null, [rich.L0[0]], []),
            ],
            SegmentExtractorName = "fixed:2",
        };
    }

    public static CompactionsState Compactions()
    {
        var random = new Random(11);
        var outputs = Enumerable.Range(0, 2).Select(i => Sst(random, i)).ToImmutableArray();
        return new CompactionsState(
            5,
            [
                new Compaction(Ulid.FromTimestamp(1_763_690_000_000, random), new CompactionSpec([Ulid.FromTimestamp(1_763_680_000_000, random)], [2, 1]), CompactionStatus.Running, []),
                new Compaction(Ulid.FromTimestamp(1_763_690_500_000, random), new CompactionSpec([], [0]), CompactionStatus.Completed, outputs),
                new Compaction(Ulid.FromTimestamp(1_763_691_000_000, random), new CompactionSpec([], []), CompactionStatus.Failed, []),
            ]);
    }

    /// <summary>A compactions state using what only format version 2 holds (segments, drain specs, workers, contexts, the newer statuses).</summary>
    public static CompactionsState CompactionsV2()
    {
        var random = new Random(12);
        var outputs = Enumerable.Range(0, 3).Select(i => Sst(random, i)).ToImmutableArray();
        var m = Encoding.ASCII.GetBytes("m");
        var context = new CompactionContext(
            [
                new Subcompaction(new BytesRange(BytesBound.Unbounded, BytesBound.Excluded(m)), [outputs[0]]),
                new Subcompaction(new BytesRange(BytesBound.Included(m), BytesBound.Unbounded), []),
            ],
            77);
        return new CompactionsState(
            6,
            [
                new Compaction(Ulid.FromTimestamp(1_763_690_000_000, random), CompactionSpec.Tiered([Ulid.FromTimestamp(1_763_680_000_000, random)], [], 4), CompactionStatus.Running, [])
                {
                    Worker = new CompactionWorker("worker-1", 1_763_690_001_000),
                    Context = context,
                },
                new Compaction(Ulid.FromTimestamp(1_763_690_500_000, random), CompactionSpec.Tiered([], [3, 2], 2, Encoding.ASCII.GetBytes("tenant-1/")), CompactionStatus.Compacted, [outputs[1], outputs[2]]),
                new Compaction(Ulid.FromTimestamp(1_763_691_000_000, random), CompactionSpec.Drain(Encoding.ASCII.GetBytes("old/"), [Ulid.FromTimestamp(1_763_600_000_000, random)], [9]), CompactionStatus.Scheduled, []),
            ])
        { FormatVersion = 2 };
    }

    public static SequenceTracker Tracker()
    {
        // Rising seqs sampled about a minute apart, with one irregular gap and one large jump.
        long[] times = [1_763_690_000, 1_763_690_060, 1_763_690_120, 1_763_690_185, 1_763_693_000, 1_763_693_060];
        ulong[] seqs = [10, 700, 1_400, 1_401, 90_000, 4_000_000_000];
        return new SequenceTracker([.. times.Select((t, i) => new SequenceSample(seqs[i], t))]);
    }

    private static CompactedSst Sst(Random random, int i)
    {
        var info = new SsTableInfo
        {
            FirstEntry = Encoding.ASCII.GetBytes($"key{i:D3}"),
            LastEntry = Encoding.ASCII.GetBytes($"key{i:D3}zzz"),
            IndexOffset = 4096 + (ulong)i,
            IndexLength = 52,
            FilterOffset = 4000,
            FilterLength = 96,
            Compression = (CompressionCodec)(i % 5),
            SstType = SstType.Compacted,
            StatsOffset = 4200,
            StatsLength = 108,
        };
        return new CompactedSst(Ulid.FromTimestamp(1_763_690_000_000 + i, random), info, i == 3 ? CompactedSst.DefaultFormatVersion : CompactedSst.CurrentFormatVersion);
    }
}
