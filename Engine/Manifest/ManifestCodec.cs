using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using SlateFast.Format.FlatBuffers;

using static SlateFast.Manifest.ManifestHeadFields;
using static SlateFast.Manifest.ManifestV1Fields;

namespace SlateFast.Manifest;

/// <summary>
/// Manifest files: <c>u16 BE version</c> then a flatbuffer whose root is <c>ManifestV1</c> (version 1,
/// what SlateDB 0.12 writes, and what this writes for an unsegmented database) or <c>ManifestV2</c>
/// (version 2, what SlateDB 0.13+ writes for a segmented database, and so does this).
/// Encoding reproduces SlateDB 0.12's bytes for the same state.
/// </summary>
internal static class ManifestCodec
{
    public const ushort Version1 = 1;
    public const ushort Version2 = 2;

    /// <summary>Decodes a whole manifest file (version prefix included). Corrupt input throws <see cref="ErrorKind.Data"/>.</summary>
    public static ManifestState Decode(ReadOnlySpan<byte> file)
    {
        if (file.Length < 2)
        {
            ThrowHelper.Data($"manifest: {file.Length} bytes is too short for the version prefix");
        }

        ushort version = BinaryPrimitives.ReadUInt16BigEndian(file);
        var buffer = file[2..];
        switch (version)
        {
            case Version1:
                FlatBufferVerifier.Verify(buffer, ManifestSchemas.ManifestV1, "manifest");
                return ReadV1(FlatTable.Root(buffer));
            case Version2:
                FlatBufferVerifier.Verify(buffer, ManifestSchemas.ManifestV2, "manifest");
                return ManifestV2Reader.Read(FlatTable.Root(buffer));
            default:
                return ThrowHelper.Data<ManifestState>(version > Version2
                    ? $"manifest: format version {version} was written by a newer SlateDB than this SlateFast reads (it reads 1 and 2)"
                    : $"manifest: unsupported version {version} (supported: 1, 2)");
        }
    }

    /// <summary>
    /// Encodes <paramref name="state"/> as SlateDB 0.13+ does: version 2 when the database is
    /// segmented (version 1 cannot hold segments), else version 1, what SlateDB 0.12 reads.
    /// </summary>
    public static byte[] Encode(ManifestState state)
    {
        var (version, builder) = Build(state);
        var body = builder.WrittenSpan;
        var file = new byte[body.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(file, version);
        body.CopyTo(file.AsSpan(2));
        return file;
    }

    public static void Encode(ManifestState state, IBufferWriter<byte> output)
    {
        var (version, builder) = Build(state);
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), version);
        output.Advance(2);
        builder.CopyTo(output);
    }

    private static (ushort Version, FlatBufferBuilder Builder) Build(ManifestState state) =>
        state.IsSegmented ? (Version2, ManifestV2Writer.Build(state)) : (Version1, BuildV1(state));

    private static ManifestState ReadV1(FlatTable m)
    {
        var l0 = m.GetTableVector(L0);
        var views = ImmutableArray.CreateBuilder<SstView>(l0.Count);
        for (int i = 0; i < l0.Count; i++)
        {
            views.Add(ReadV1View(l0[i]));
        }

        var runs = m.GetTableVector(Compacted);
        var sortedRuns = ImmutableArray.CreateBuilder<SortedRun>(runs.Count);
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var ssts = run.GetTableVector(1);
            var runViews = ImmutableArray.CreateBuilder<SstView>(ssts.Count);
            for (int j = 0; j < ssts.Count; j++)
            {
                runViews.Add(ReadV1View(ssts[j]));
            }

            sortedRuns.Add(new SortedRun(run.GetU32(0), runViews.MoveToImmutable()));
        }

        Ulid? lastCompacted = m.TryGetTable(L0LastCompacted, out var lc) ? ManifestTables.ReadUlid(lc) : null;
        return new ManifestState
        {
            ExternalDbs = ReadExternalDbs(m, ExternalDbs),
            Initialized = m.GetBool(Initialized),
            WriterEpoch = m.GetU64(WriterEpoch),
            CompactorEpoch = m.GetU64(CompactorEpoch),
            ReplayAfterWalId = m.GetU64(ReplayAfterWalId),
            WalIdLastSeen = m.GetU64(WalIdLastSeen),
            LastCompactedL0SstViewId = lastCompacted,
            LastCompactedL0SstId = lastCompacted,
            L0 = views.MoveToImmutable(),
            Compacted = sortedRuns.MoveToImmutable(),
            LastL0ClockTick = m.GetI64(LastL0ClockTick),
            Checkpoints = ReadCheckpoints(m, Checkpoints),
            LastL0Seq = m.GetU64(LastL0Seq),
            WalObjectStoreUri = m.GetString(WalObjectStoreUri),
            RecentSnapshotMinSeq = m.GetU64(RecentSnapshotMinSeq),
            SequenceTracker = ReadSequenceTracker(m, SequenceTrackerField),
        };
    }

    internal static ImmutableArray<ExternalDb> ReadExternalDbs(FlatTable m, int field)
    {
        var dbs = m.GetTableVector(field);
        var result = ImmutableArray.CreateBuilder<ExternalDb>(dbs.Count);
        for (int i = 0; i < dbs.Count; i++)
        {
            result.Add(ManifestTables.ReadExternalDb(dbs[i]));
        }

        return result.MoveToImmutable();
    }

    internal static ImmutableArray<Checkpoint> ReadCheckpoints(FlatTable m, int field)
    {
        var checkpoints = m.GetTableVector(field);
        var result = ImmutableArray.CreateBuilder<Checkpoint>(checkpoints.Count);
        for (int i = 0; i < checkpoints.Count; i++)
        {
            result.Add(ManifestTables.ReadCheckpoint(checkpoints[i]));
        }

        return result.MoveToImmutable();
    }

    internal static SequenceTracker ReadSequenceTracker(FlatTable m, int field) =>
        m.TryGetBytes(field, out var blob) ? SequenceTrackerCodec.Decode(blob) : SequenceTracker.Empty;

    private static SstView ReadV1View(FlatTable entry)
    {
        var sst = ManifestTables.ReadCompactedSst(entry, 3);
        var range = entry.TryGetTable(2, out var r) ? ManifestTables.ReadRange(r) : null;
        return new SstView(sst.Id, sst, range);
    }

    private static FlatBufferBuilder BuildV1(ManifestState s)
    {
        var b = new FlatBufferBuilder(256 + (s.L0.Length * 160));

        var l0 = new int[s.L0.Length];
        for (int i = 0; i < l0.Length; i++)
        {
            l0[i] = ManifestTables.WriteCompactedSst(b, s.L0[i].Sst, s.L0[i].VisibleRange);
        }

        int l0Vector = b.CreateOffsetVector(l0);
        int lastCompacted = s.LastCompactedL0SstId is { } lc ? ManifestTables.WriteUlid(b, lc) : 0;

        var runs = new int[s.Compacted.Length];
        for (int i = 0; i < runs.Length; i++)
        {
            var run = s.Compacted[i];
            var ssts = new int[run.Ssts.Length];
            for (int j = 0; j < ssts.Length; j++)
            {
                ssts[j] = ManifestTables.WriteCompactedSst(b, run.Ssts[j].Sst, run.Ssts[j].VisibleRange);
            }

            int sstVector = b.CreateOffsetVector(ssts);
            int table = b.StartTable();
            b.AddOffset(1, sstVector);
            b.AddU32(0, run.Id);
            runs[i] = b.EndTable(table);
        }

        int runVector = b.CreateOffsetVector(runs);

        var checkpoints = new int[s.Checkpoints.Length];
        for (int i = 0; i < checkpoints.Length; i++)
        {
            checkpoints[i] = ManifestTables.WriteCheckpoint(b, s.Checkpoints[i]);
        }

        int checkpointVector = b.CreateOffsetVector(checkpoints);

        int externalVector = 0;
        if (!s.ExternalDbs.IsEmpty)
        {
            var dbs = new int[s.ExternalDbs.Length];
            for (int i = 0; i < dbs.Length; i++)
            {
                dbs[i] = ManifestTables.WriteExternalDb(b, s.ExternalDbs[i]);
            }

            externalVector = b.CreateOffsetVector(dbs);
        }

        int uri = s.WalObjectStoreUri is null ? 0 : b.CreateString(s.WalObjectStoreUri);
        int tracker = b.CreateByteVector(SequenceTrackerCodec.Encode(s.SequenceTracker));

        int root = b.StartTable();
        b.AddU64(RecentSnapshotMinSeq, s.RecentSnapshotMinSeq);
        b.AddU64(LastL0Seq, s.LastL0Seq);
        b.AddI64(LastL0ClockTick, s.LastL0ClockTick);
        b.AddU64(WalIdLastSeen, s.WalIdLastSeen);
        b.AddU64(ReplayAfterWalId, s.ReplayAfterWalId);
        b.AddU64(CompactorEpoch, s.CompactorEpoch);
        b.AddU64(WriterEpoch, s.WriterEpoch);
        b.AddOffset(SequenceTrackerField, tracker);
        if (uri != 0)
        {
            b.AddOffset(WalObjectStoreUri, uri);
        }

        b.AddOffset(Checkpoints, checkpointVector);
        b.AddOffset(Compacted, runVector);
        b.AddOffset(L0, l0Vector);
        if (lastCompacted != 0)
        {
            b.AddOffset(L0LastCompacted, lastCompacted);
        }

        if (externalVector != 0)
        {
            b.AddOffset(ExternalDbs, externalVector);
        }

        b.AddBool(Initialized, s.Initialized);
        b.Finish(b.EndTable(root));
        return b;
    }
}
