using System.Buffers;
using System.Collections.Immutable;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Sst;

/// <summary>Encodes and decodes the stats section payload (<c>SstStats</c>) like SlateDB 0.12.</summary>
internal static class SstStatsCodec
{
    private const int NumPuts = 0;
    private const int NumDeletes = 1;
    private const int NumMerges = 2;
    private const int RawKeySize = 3;
    private const int RawValSize = 4;
    private const int BlockStatsField = 5;

    public static SstStats Decode(ReadOnlySpan<byte> buffer)
    {
        FlatBufferVerifier.Verify(buffer, SstSchemas.SstStats, "SstStats");
        var table = FlatTable.Root(buffer);
        var blocks = ImmutableArray<BlockStats>.Empty;
        if (table.TryGetTableVector(BlockStatsField, out var vector))
        {
            var builder = ImmutableArray.CreateBuilder<BlockStats>(vector.Count);
            for (int i = 0; i < vector.Count; i++)
            {
                var b = vector[i];
                builder.Add(new BlockStats(b.GetU16(NumPuts), b.GetU16(NumDeletes), b.GetU16(NumMerges)));
            }

            blocks = builder.MoveToImmutable();
        }

        return new SstStats
        {
            Puts = table.GetU64(NumPuts),
            Deletes = table.GetU64(NumDeletes),
            Merges = table.GetU64(NumMerges),
            RawKeySize = table.GetU64(RawKeySize),
            RawValueSize = table.GetU64(RawValSize),
            Blocks = blocks,
        };
    }

    public static byte[] Encode(SstStats stats)
    {
        var builder = Build(stats);
        return builder.ToArray();
    }

    public static void Encode(SstStats stats, IBufferWriter<byte> output) => Build(stats).CopyTo(output);

    private static FlatBufferBuilder Build(SstStats stats)
    {
        var builder = new FlatBufferBuilder(64 + (stats.Blocks.Length * 16));
        int vector = 0;
        if (!stats.Blocks.IsEmpty)
        {
            var offsets = new int[stats.Blocks.Length];
            for (int i = 0; i < offsets.Length; i++)
            {
                var b = stats.Blocks[i];
                int start = builder.StartTable();
                builder.AddU16(NumMerges, b.Merges);
                builder.AddU16(NumDeletes, b.Deletes);
                builder.AddU16(NumPuts, b.Puts);
                offsets[i] = builder.EndTable(start);
            }

            vector = builder.CreateOffsetVector(offsets);
        }

        int root = builder.StartTable();
        builder.AddU64(RawValSize, stats.RawValueSize);
        builder.AddU64(RawKeySize, stats.RawKeySize);
        builder.AddU64(NumMerges, stats.Merges);
        builder.AddU64(NumDeletes, stats.Deletes);
        builder.AddU64(NumPuts, stats.Puts);
        if (vector != 0)
        {
            builder.AddOffset(BlockStatsField, vector);
        }

        builder.Finish(builder.EndTable(root));
        return builder;
    }
}
