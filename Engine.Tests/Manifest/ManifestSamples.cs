using System.Collections.Immutable;
using SlateFast.Manifest;
using SlateFast.Sst;

namespace SlateFast.Tests.Manifest;

/// <summary>Random but reproducible manifest contents, driven by a seed.</summary>
internal static class ManifestSamples
{
    public static ManifestState Random(int seed)
    {
        var r = new Random(seed);
        var l0 = Enumerable.Range(0, r.Next(4)).Select(_ => View(r)).ToImmutableArray();
        var runs = Enumerable.Range(0, r.Next(3))
            .Select(i => new SortedRun((uint)r.Next(), Enumerable.Range(0, r.Next(3)).Select(_ => View(r)).ToImmutableArray()))
            .ToImmutableArray();
        var lastCompacted = r.Next(2) == 0 ? (Ulid?)null : NewUlid(r);
        return new ManifestState
        {
            ExternalDbs = Enumerable.Range(0, r.Next(3)).Select(_ => new ExternalDb(
                Text(r),
                Uuid.NewV4(r),
                r.Next(2) == 0 ? null : Uuid.NewV4(r),
                Enumerable.Range(0, r.Next(3)).Select(_ => NewUlid(r)).ToImmutableArray())).ToImmutableArray(),
            Initialized = r.Next(2) == 0,
            WriterEpoch = U64(r),
            CompactorEpoch = U64(r),
            ReplayAfterWalId = U64(r),
            WalIdLastSeen = U64(r),
            LastCompactedL0SstId = lastCompacted,
            LastCompactedL0SstViewId = lastCompacted,
            L0 = l0,
            Compacted = runs,
            LastL0ClockTick = r.Next(3) == 0 ? long.MinValue : r.NextInt64(long.MinValue, long.MaxValue),
            Checkpoints = Enumerable.Range(0, r.Next(3)).Select(_ => new Checkpoint(
                Uuid.NewV4(r), U64(r), (uint)r.Next(), (uint)r.Next(), r.Next(2) == 0 ? null : Text(r))).ToImmutableArray(),
            LastL0Seq = U64(r),
            WalObjectStoreUri = r.Next(3) == 0 ? Text(r) : null,
            RecentSnapshotMinSeq = U64(r),
            SequenceTracker = Tracker(r),
        };
    }

    public static SequenceTracker Tracker(Random r)
    {
        ulong seq = (ulong)r.Next(1, 1000);
        long time = r.NextInt64(0, 4_000_000_000);
        var samples = ImmutableArray.CreateBuilder<SequenceSample>();
        for (int i = r.Next(6); i > 0; i--)
        {
            samples.Add(new SequenceSample(seq, time));
            seq += (ulong)r.Next(0, r.Next(2) == 0 ? 100 : 1_000_000);
            time += r.Next(0, r.Next(2) == 0 ? 120 : 100_000);
        }

        return new SequenceTracker(samples.ToImmutable());
    }

    public static SsTableInfo Info(Random r) => new()
    {
        FirstEntry = r.Next(4) == 0 ? null : Bytes(r),
        LastEntry = r.Next(4) == 0 ? null : Bytes(r),
        IndexOffset = U64(r),
        IndexLength = U64(r),
        FilterOffset = U64(r),
        FilterLength = U64(r),
        Compression = (CompressionCodec)r.Next(5),
        SstType = (SstType)r.Next(2),
        StatsOffset = U64(r),
        StatsLength = U64(r),
    };

    public static Ulid NewUlid(Random r) => Ulid.FromTimestamp(r.NextInt64(0, 1L << 48), r);

    private static SstView View(Random r)
    {
        var sst = new CompactedSst(NewUlid(r), Info(r), (ushort)r.Next(1, 3));
        return new SstView(sst.Id, sst, r.Next(2) == 0 ? null : new BytesRange(Bound(r), Bound(r)));
    }

    private static BytesBound Bound(Random r) => r.Next(3) switch
    {
        0 => BytesBound.Unbounded,
        1 => BytesBound.Included(Bytes(r)),
        _ => BytesBound.Excluded(Bytes(r)),
    };

    private static byte[] Bytes(Random r)
    {
        var b = new byte[r.Next(0, 12)];
        r.NextBytes(b);
        return b;
    }

    private static readonly string[] Pieces = ["a", "Z", "/", "é", "_", "🙂"];

    private static string Text(Random r) => string.Concat(Enumerable.Range(0, r.Next(0, 10)).Select(_ => Pieces[r.Next(Pieces.Length)]));

    private static ulong U64(Random r) => r.Next(3) switch
    {
        0 => 0,
        1 => (ulong)r.Next(1000),
        _ => (ulong)r.NextInt64() * 2,
    };
}
