using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Manifest;

/// <summary>
/// Compactions files: <c>u16 BE format version</c> then a <c>CompactionsV1</c> flatbuffer. Version 1
/// is what SlateDB 0.12 writes, version 2 what 0.13 to 0.15 write; both share the root table and
/// this codec reads both as 0.15 does. Writing reproduces the chosen release's bytes.
/// </summary>
/// <remarks>
/// What the version changes: a version 1 reader derives a tiered spec's destination from its
/// sources (the smallest sorted run, or 0) and ignores the stored field; version 2 trusts the stored
/// field (absent = 0), so L0-only compactions into a new run survive a restart. Everything else
/// (segments, drain specs, workers, contexts, the newer statuses) decodes the same under both
/// versions, because 0.15 reads it regardless; only the writer limits what a version 1 file holds.
/// </remarks>
internal static class CompactionsCodec
{
    /// <summary>SlateDB 0.12's format version.</summary>
    public const ushort V1 = 1;

    /// <summary>SlateDB 0.13 to 0.15's format version.</summary>
    public const ushort V2 = 2;

    /// <summary>What <see cref="Encode(CompactionsState)"/> writes: files every SlateDB from 0.12 on reads.</summary>
    public const ushort Version = V1;

    private const byte TieredCompactionSpecTag = (byte)CompactionSpecKind.Tiered;
    private const byte DrainSegmentSpecTag = (byte)CompactionSpecKind.DrainSegment;
    private const byte TieredCompactionContextTag = 1;

    public static CompactionsState Decode(ReadOnlySpan<byte> file)
    {
        if (file.Length < 2)
        {
            ThrowHelper.Data($"compactions: {file.Length} bytes is too short for the version prefix");
        }

        ushort version = BinaryPrimitives.ReadUInt16BigEndian(file);
        if (version is not (V1 or V2))
        {
            ThrowHelper.Data(version > V2
                ? $"compactions: format version {version} was written by a newer SlateDB than this SlateFast reads (it reads 1 and 2)"
                : $"compactions: unsupported version {version} (supported: 1, 2)");
        }

        var buffer = file[2..];
        FlatBufferVerifier.Verify(buffer, CompactionsSchemas.CompactionsV1, "compactions");
        var root = FlatTable.Root(buffer);
        var list = root.GetTableVector(1);
        var recent = ImmutableArray.CreateBuilder<Compaction>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            recent.Add(ReadCompaction(list[i], version));
        }

        return new CompactionsState(root.GetU64(0), recent.MoveToImmutable()) { FormatVersion = version };
    }

    /// <summary>Writes format version 1 (SlateDB 0.12's bytes).</summary>
    public static byte[] Encode(CompactionsState state) => Encode(state, V1);

    /// <summary>
    /// Writes <paramref name="state"/> as SlateDB writes format <paramref name="version"/> (1: 0.12,
    /// 2: 0.15). Throws <see cref="ErrorKind.Invalid"/> when the version cannot hold all of the state,
    /// rather than write a file that reads back as something else.
    /// </summary>
    public static byte[] Encode(CompactionsState state, ushort version)
    {
        var b = Build(state, version);
        var body = b.WrittenSpan;
        var file = new byte[body.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(file, version);
        body.CopyTo(file.AsSpan(2));
        return file;
    }

    /// <summary>Writes format version 1 (SlateDB 0.12's bytes).</summary>
    public static void Encode(CompactionsState state, IBufferWriter<byte> output) => Encode(state, V1, output);

    public static void Encode(CompactionsState state, ushort version, IBufferWriter<byte> output)
    {
        var b = Build(state, version);
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), version);
        output.Advance(2);
        b.CopyTo(output);
    }

    /// <summary>
    /// Whether format version 1 holds all of <paramref name="state"/>; if not, <paramref name="reason"/>
    /// names the first thing it cannot hold.
    /// </summary>
    public static bool FitsVersion1(CompactionsState state, out string reason)
    {
        foreach (var c in Items(state.Recent))
        {
            var spec = c.Spec;
            string? problem =
                spec.Kind != CompactionSpecKind.Tiered ? $"a {spec.Kind} spec"
                : !spec.Segment.IsEmpty ? "a segment prefix"
                : spec.ExplicitDestination is { } d && d != spec.DerivedDestination
                    ? $"destination {d} (a version 1 reader derives {spec.DerivedDestination} from the sorted runs)"
                : c.Status is < CompactionStatus.Submitted or > CompactionStatus.Failed ? $"status {(sbyte)c.Status}"
                : c.Worker is not null ? "a worker"
                : c.Context is not null ? "a compaction context"
                : null;
            if (problem is not null)
            {
                reason = $"compaction {c.Id} has {problem}, which compactions format version 1 cannot hold";
                return false;
            }
        }

        reason = string.Empty;
        return true;
    }

    private static Compaction ReadCompaction(FlatTable c, ushort version)
    {
        var id = ManifestTables.ReadUlid(c.GetTable(0));

        // The verifier has refused union types, statuses and context kinds 0.15 does not list
        // (SlateDB would read an unknown status as Submitted; a compactor acting on a guessed
        // status could redo or drop finished work).
        var spec = c.GetUnionType(1, 2) == DrainSegmentSpecTag
            ? ReadDrainSpec(c.GetTable(2))
            : ReadTieredSpec(c.GetTable(2), version);
        var status = (CompactionStatus)c.GetI8(3);

        // worker_id tells claimed from unclaimed; a WorkerSpec without one reads as unclaimed.
        CompactionWorker? worker = c.TryGetTable(5, out var w) && w.GetString(0) is { } workerId
            ? new CompactionWorker(workerId, w.GetU64(1))
            : null;
        CompactionContext? context = c.GetUnionType(6, 7) == TieredCompactionContextTag ? ReadContext(c.GetTable(7)) : null;

        // From 0.14 on, top-level outputs are the final ones, set in Compacted. An older writer kept
        // a running job's partial outputs there; 0.15 drops them for every version, so the job
        // restarts (it could not know the retention sequence to resume with).
        var outputs = status is CompactionStatus.Running or CompactionStatus.Scheduled or CompactionStatus.Submitted
            ? []
            : ReadSsts(c, 4);
        return new Compaction(id, spec, status, outputs) { Worker = worker, Context = context };
    }

    private static CompactionSpec ReadTieredSpec(FlatTable spec, ushort version)
    {
        // l0_view_ids supersedes the deprecated ssts field; both hold L0 source ids.
        var l0 = spec.TryGetTableVector(2, out var views) || spec.TryGetTableVector(0, out views)
            ? ReadUlids(views)
            : ImmutableArray<Ulid>.Empty;
        return new CompactionSpec(l0, ReadRuns(spec, 1))
        {
            // Absent means the root tree, as in files written before segments existed.
            Segment = spec.TryGetBytes(3, out var segment) ? segment.ToArray() : ReadOnlyMemory<byte>.Empty,

            // Version 1 writers had no such field; a version 1 reader derives the destination even if
            // one is present.
            ExplicitDestination = version >= V2 ? spec.GetU32(4) : null,
        };
    }

    private static CompactionSpec ReadDrainSpec(FlatTable spec)
    {
        spec.TryGetBytes(0, out var segment);
        var l0 = spec.TryGetTableVector(1, out var views) ? ReadUlids(views) : ImmutableArray<Ulid>.Empty;
        return CompactionSpec.Drain(segment.ToArray(), l0, ReadRuns(spec, 2));
    }

    private static CompactionContext ReadContext(FlatTable ctx)
    {
        var subcompactions = ImmutableArray<Subcompaction>.Empty;
        if (ctx.TryGetTableVector(0, out var subs))
        {
            var builder = ImmutableArray.CreateBuilder<Subcompaction>(subs.Count);
            for (int i = 0; i < subs.Count; i++)
            {
                var sub = subs[i];
                builder.Add(new Subcompaction(ManifestTables.ReadRange(sub.GetTable(0)), ReadSsts(sub, 1)));
            }

            subcompactions = builder.MoveToImmutable();
        }

        // The file cannot tell 0 from "not planned"; SlateDB reads a value either way.
        return new CompactionContext(subcompactions, ctx.GetU64(1));
    }

    private static ImmutableArray<CompactedSst> ReadSsts(FlatTable table, int field)
    {
        if (!table.TryGetTableVector(field, out var ssts))
        {
            return [];
        }

        var builder = ImmutableArray.CreateBuilder<CompactedSst>(ssts.Count);
        for (int i = 0; i < ssts.Count; i++)
        {
            builder.Add(ManifestTables.ReadCompactedSst(ssts[i], 3));
        }

        return builder.MoveToImmutable();
    }

    private static ImmutableArray<uint> ReadRuns(FlatTable spec, int field)
    {
        var bytes = spec.GetU32VectorBytes(field, out _);
        var runs = new uint[bytes.Length / 4];
        for (int i = 0; i < runs.Length; i++)
        {
            runs[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]);
        }

        return [.. runs];
    }

    private static ImmutableArray<Ulid> ReadUlids(FlatTableVector vector)
    {
        var ids = ImmutableArray.CreateBuilder<Ulid>(vector.Count);
        for (int i = 0; i < vector.Count; i++)
        {
            ids.Add(ManifestTables.ReadUlid(vector[i]));
        }

        return ids.MoveToImmutable();
    }

    private static FlatBufferBuilder Build(CompactionsState state, ushort version)
    {
        IReadOnlyList<Compaction> recent;
        switch (version)
        {
            case V1:
                if (!FitsVersion1(state, out var reason))
                {
                    ThrowHelper.Invalid(reason);
                }

                recent = Items(state.Recent);
                break;
            case V2:
                recent = OrderForV2(state.Recent);
                break;
            default:
                return ThrowHelper.Invalid<FlatBufferBuilder>($"compactions: cannot write format version {version} (writes 1 and 2)");
        }

        var b = new FlatBufferBuilder(256);
        var compactions = new int[recent.Count];
        for (int i = 0; i < compactions.Length; i++)
        {
            compactions[i] = version == V1 ? WriteCompactionV1(b, recent[i]) : WriteCompactionV2(b, recent[i]);
        }

        int vector = b.CreateOffsetVector(compactions);
        int root = b.StartTable();
        b.AddU64(0, state.CompactorEpoch);
        b.AddOffset(1, vector);
        b.Finish(b.EndTable(root));
        return b;
    }

    private static ImmutableArray<T> Items<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    /// <summary>
    /// SlateDB keeps compactions in a map keyed by id and writes them in id order, so the same
    /// state gives the same bytes whatever order this list has. Two entries with one id are a state
    /// SlateDB cannot hold (it would keep only the last), so they are refused.
    /// </summary>
    private static Compaction[] OrderForV2(ImmutableArray<Compaction> recent)
    {
        var ordered = Items(recent).OrderBy(c => c.Id).ToArray();
        for (int i = 0; i < ordered.Length; i++)
        {
            var c = ordered[i];
            if (i > 0 && ordered[i - 1].Id == c.Id)
            {
                ThrowHelper.Invalid($"compactions: compaction {c.Id} appears twice; SlateDB keeps one compaction per id");
            }

            if (c.Status is < CompactionStatus.Submitted or > (CompactionStatus)CompactionsSchemas.MaxStatus)
            {
                ThrowHelper.Invalid($"compactions: compaction {c.Id} has status {(sbyte)c.Status}, which format version 2 does not define");
            }

            if (c.Spec.Kind is not (CompactionSpecKind.Tiered or CompactionSpecKind.DrainSegment))
            {
                ThrowHelper.Invalid($"compactions: compaction {c.Id} has spec kind {(byte)c.Spec.Kind}, which format version 2 does not define");
            }

            if (c.Spec.IsDrain && c.Spec.ExplicitDestination is { } d)
            {
                ThrowHelper.Invalid($"compactions: drain-segment compaction {c.Id} has destination {d}; a drain spec has no field for one");
            }

            if (c.Worker is { WorkerId: null })
            {
                ThrowHelper.Invalid($"compactions: compaction {c.Id} has a worker without an id (write no worker for an unclaimed job)");
            }
        }

        return ordered;
    }

    // ---- version 1: SlateDB 0.12's DbFlatBufferBuilder ----

    private static int WriteCompactionV1(FlatBufferBuilder b, Compaction c)
    {
        int id = ManifestTables.WriteUlid(b, c.Id);
        int spec = WriteSpecV1(b, c.Spec);

        // 0.12 writes output_ssts only when there are some.
        int outputs = c.OutputSsts.IsDefaultOrEmpty ? 0 : WriteSsts(b, c.OutputSsts);
        int table = b.StartTable();
        if (outputs != 0)
        {
            b.AddOffset(4, outputs);
        }

        b.AddOffset(2, spec);
        b.AddOffset(0, id);
        b.AddI8(3, (sbyte)c.Status);
        b.AddU8(1, TieredCompactionSpecTag);
        return b.EndTable(table);
    }

    private static int WriteSpecV1(FlatBufferBuilder b, CompactionSpec spec)
    {
        int views = WriteViewIds(b, spec.L0ViewIds);
        int runs = WriteRuns(b, spec.SortedRuns);
        int table = b.StartTable();
        if (views != 0)
        {
            b.AddOffset(2, views);
        }

        if (runs != 0)
        {
            b.AddOffset(1, runs);
        }

        return b.EndTable(table);
    }

    // ---- version 2: SlateDB 0.15's DbFlatBufferBuilder (0.14 writes the same) ----
    // Children are created in the order add_compaction creates them; fields are added in the order
    // of the generated create() functions (widest first, last-declared first within a width).

    private static int WriteCompactionV2(FlatBufferBuilder b, Compaction c)
    {
        int id = ManifestTables.WriteUlid(b, c.Id);
        int spec = WriteSpecV2(b, c.Spec);
        int worker = c.Worker is { } w ? WriteWorker(b, w) : 0;
        int ctx = c.Context is { } x ? WriteContext(b, x) : 0;

        // From 0.14 on output_ssts is always written, empty or not.
        int outputs = WriteSsts(b, Items(c.OutputSsts));
        int table = b.StartTable();
        if (ctx != 0)
        {
            b.AddOffset(7, ctx);
        }

        if (worker != 0)
        {
            b.AddOffset(5, worker);
        }

        b.AddOffset(4, outputs);
        b.AddOffset(2, spec);
        b.AddOffset(0, id);
        b.AddU8(6, ctx != 0 ? TieredCompactionContextTag : (byte)0);
        b.AddI8(3, (sbyte)c.Status);
        b.AddU8(1, (byte)c.Spec.Kind);
        return b.EndTable(table);
    }

    private static int WriteSpecV2(FlatBufferBuilder b, CompactionSpec spec)
    {
        int views = WriteViewIds(b, spec.L0ViewIds);
        int runs = WriteRuns(b, spec.SortedRuns);

        // The segment is always written; empty bytes name the root tree.
        int segment = b.CreateByteVector(spec.Segment.Span);
        int table = b.StartTable();
        if (spec.IsDrain)
        {
            if (runs != 0)
            {
                b.AddOffset(2, runs);
            }

            if (views != 0)
            {
                b.AddOffset(1, views);
            }

            b.AddOffset(0, segment);
        }
        else
        {
            // The deprecated ssts field (id 0) is never written.
            b.AddU32(4, spec.Destination!.Value);
            b.AddOffset(3, segment);
            if (views != 0)
            {
                b.AddOffset(2, views);
            }

            if (runs != 0)
            {
                b.AddOffset(1, runs);
            }
        }

        return b.EndTable(table);
    }

    private static int WriteWorker(FlatBufferBuilder b, CompactionWorker worker)
    {
        int id = b.CreateString(worker.WorkerId);
        int table = b.StartTable();
        b.AddU64(1, worker.LastHeartbeatMs);
        b.AddOffset(0, id);
        return b.EndTable(table);
    }

    private static int WriteContext(FlatBufferBuilder b, CompactionContext ctx)
    {
        int subs = 0;
        if (!ctx.Subcompactions.IsDefaultOrEmpty)
        {
            var offsets = new int[ctx.Subcompactions.Length];
            for (int i = 0; i < offsets.Length; i++)
            {
                offsets[i] = WriteSubcompaction(b, ctx.Subcompactions[i]);
            }

            subs = b.CreateOffsetVector(offsets);
        }

        int table = b.StartTable();
        b.AddU64(1, ctx.RetentionMinSeq ?? 0);
        if (subs != 0)
        {
            b.AddOffset(0, subs);
        }

        return b.EndTable(table);
    }

    private static int WriteSubcompaction(FlatBufferBuilder b, Subcompaction sub)
    {
        int range = ManifestTables.WriteRange(b, sub.Range);
        int outputs = sub.OutputSsts.IsDefaultOrEmpty ? 0 : WriteSsts(b, sub.OutputSsts);
        int table = b.StartTable();
        if (outputs != 0)
        {
            b.AddOffset(1, outputs);
        }

        b.AddOffset(0, range);
        return b.EndTable(table);
    }

    // ---- shared by both versions ----

    private static int WriteSsts(FlatBufferBuilder b, ImmutableArray<CompactedSst> ssts)
    {
        var offsets = new int[ssts.Length];
        for (int i = 0; i < offsets.Length; i++)
        {
            // Compactions files carry whole SSTs: no visible range.
            offsets[i] = ManifestTables.WriteCompactedSst(b, ssts[i], null);
        }

        return b.CreateOffsetVector(offsets);
    }

    private static int WriteViewIds(FlatBufferBuilder b, ImmutableArray<Ulid> ids)
    {
        if (ids.IsDefaultOrEmpty)
        {
            return 0;
        }

        var offsets = new int[ids.Length];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = ManifestTables.WriteUlid(b, ids[i]);
        }

        return b.CreateOffsetVector(offsets);
    }

    private static int WriteRuns(FlatBufferBuilder b, ImmutableArray<uint> runs) =>
        runs.IsDefaultOrEmpty ? 0 : b.CreateU32Vector(runs.AsSpan());
}
