using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Manifest;

/// <summary>
/// Compactions files: <c>u16 BE version = 1</c> then a <c>CompactionsV1</c> flatbuffer, laid out like
/// SlateDB 0.12 writes it.
/// </summary>
internal static class CompactionsCodec
{
    public const ushort Version = 1;
    private const byte TieredCompactionSpecTag = 1;

    public static CompactionsState Decode(ReadOnlySpan<byte> file)
    {
        if (file.Length < 2)
        {
            ThrowHelper.Data($"compactions: {file.Length} bytes is too short for the version prefix");
        }

        ushort version = BinaryPrimitives.ReadUInt16BigEndian(file);
        if (version != Version)
        {
            ThrowHelper.Data(version > Version
                ? $"compactions: format version {version} was written by a newer SlateDB than this SlateFast reads (it reads 1)"
                : $"compactions: unsupported version {version} (supported: 1)");
        }

        var buffer = file[2..];
        FlatBufferVerifier.Verify(buffer, ManifestSchemas.CompactionsV1, "compactions");
        var root = FlatTable.Root(buffer);
        var list = root.GetTableVector(1);
        var recent = ImmutableArray.CreateBuilder<Compaction>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            recent.Add(ReadCompaction(list[i]));
        }

        return new CompactionsState(root.GetU64(0), recent.MoveToImmutable());
    }

    public static byte[] Encode(CompactionsState state)
    {
        var b = Build(state);
        var body = b.WrittenSpan;
        var file = new byte[body.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(file, Version);
        body.CopyTo(file.AsSpan(2));
        return file;
    }

    public static void Encode(CompactionsState state, IBufferWriter<byte> output)
    {
        var b = Build(state);
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), Version);
        output.Advance(2);
        b.CopyTo(output);
    }

    private static Compaction ReadCompaction(FlatTable c)
    {
        var id = ManifestTables.ReadUlid(c.GetTable(0));
        var spec = c.GetTable(2);

        // l0_view_ids supersedes the deprecated ssts field; both hold L0 source ids.
        var l0 = spec.TryGetTableVector(2, out var views) || spec.TryGetTableVector(0, out views)
            ? ReadUlids(views)
            : ImmutableArray<Ulid>.Empty;
        var runBytes = spec.GetU32VectorBytes(1, out _);
        var runs = new uint[runBytes.Length / 4];
        for (int i = 0; i < runs.Length; i++)
        {
            runs[i] = BinaryPrimitives.ReadUInt32LittleEndian(runBytes[(i * 4)..]);
        }

        var outputs = ImmutableArray<CompactedSst>.Empty;
        if (c.TryGetTableVector(4, out var ssts))
        {
            var builder = ImmutableArray.CreateBuilder<CompactedSst>(ssts.Count);
            for (int i = 0; i < ssts.Count; i++)
            {
                builder.Add(ManifestTables.ReadCompactedSst(ssts[i], 3));
            }

            outputs = builder.MoveToImmutable();
        }

        // The verifier has refused statuses the schema does not list (SlateDB would read them as
        // Submitted; a compactor acting on a guessed status could redo or drop finished work).
        return new Compaction(id, new CompactionSpec(l0, [.. runs]), (CompactionStatus)c.GetI8(3), outputs);
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

    private static FlatBufferBuilder Build(CompactionsState state)
    {
        var b = new FlatBufferBuilder(256);
        var compactions = new int[state.Recent.Length];
        for (int i = 0; i < compactions.Length; i++)
        {
            compactions[i] = WriteCompaction(b, state.Recent[i]);
        }

        int vector = b.CreateOffsetVector(compactions);
        int root = b.StartTable();
        b.AddU64(0, state.CompactorEpoch);
        b.AddOffset(1, vector);
        b.Finish(b.EndTable(root));
        return b;
    }

    private static int WriteCompaction(FlatBufferBuilder b, Compaction c)
    {
        int id = ManifestTables.WriteUlid(b, c.Id);
        int spec = WriteSpec(b, c.Spec);
        int outputs = 0;
        if (!c.OutputSsts.IsDefaultOrEmpty)
        {
            var ssts = new int[c.OutputSsts.Length];
            for (int i = 0; i < ssts.Length; i++)
            {
                ssts[i] = ManifestTables.WriteCompactedSst(b, c.OutputSsts[i], null);
            }

            outputs = b.CreateOffsetVector(ssts);
        }

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

    private static int WriteSpec(FlatBufferBuilder b, CompactionSpec spec)
    {
        int views = 0;
        if (!spec.L0ViewIds.IsDefaultOrEmpty)
        {
            var ids = new int[spec.L0ViewIds.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = ManifestTables.WriteUlid(b, spec.L0ViewIds[i]);
            }

            views = b.CreateOffsetVector(ids);
        }

        int runs = spec.SortedRuns.IsDefaultOrEmpty ? 0 : b.CreateU32Vector(spec.SortedRuns.AsSpan());
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
}
