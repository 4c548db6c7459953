using System.Buffers;
using System.Text;
using SlateFast.Format;
using SlateFast.Sst;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Fuzz.Seeds;

/// <summary>
/// SSTs and blocks written by SlateFast's own writers: every codec, WAL and compacted files, rows of
/// every kind with and without timestamps, several blocks, a bloom filter, and one footer-version-1
/// file with V1 blocks. Small on purpose, so a mutated copy runs in well under a millisecond.
/// </summary>
internal static class SstSamples
{
    private const int BlockSize = 512;

    /// <summary>Rows in compacted order (key ascending, seq descending): puts, tombstones, merges, TTLs, binary and long keys.</summary>
    public static List<Row> SortedRows()
    {
        var rows = new List<Row>();
        ulong seq = 1000;
        for (int i = 0; i < 40; i++)
        {
            byte[] key = Encoding.ASCII.GetBytes($"key{i:D5}");
            switch (i % 5)
            {
                case 0:
                    rows.Add(new Row(key, Value(i, 30), seq--, RowKind.Value, 1_700_000_000_000 + i, null));
                    rows.Add(new Row(key, [], seq--, RowKind.Tombstone, 1_700_000_000_000, null));
                    break;
                case 1:
                    rows.Add(new Row(key, [], seq--, RowKind.Tombstone, null, null));
                    break;
                case 2:
                    rows.Add(new Row(key, Value(i, 5), seq--, RowKind.Merge, 1_700_000_000_001, 4_102_444_800_000));
                    rows.Add(new Row(key, Value(i + 1, 7), seq--, RowKind.Merge, null, null));
                    break;
                case 3:
                    rows.Add(new Row(key, [], seq--, RowKind.Value, null, 1000));
                    break;
                default:
                    rows.Add(new Row(key, Value(i, 90), seq--, RowKind.Value, null, null));
                    break;
            }
        }

        // Keys that sort after the ASCII ones: binary bytes, a long shared prefix, the largest byte.
        rows.Add(new Row([0x7F, 0x80], [0x00], seq--, RowKind.Value, null, null));
        rows.Add(new Row([.. new byte[300].Select(_ => (byte)0x90), 0x01], Value(7, 3), seq--, RowKind.Value, null, null));
        rows.Add(new Row([.. new byte[300].Select(_ => (byte)0x90), 0x02], Value(8, 3), seq--, RowKind.Value, null, null));
        rows.Add(new Row([0xFF], [], seq--, RowKind.Tombstone, null, null));
        rows.Add(new Row([0xFF, 0xFF, 0x00], Value(9, 1), seq--, RowKind.Value, 1, 2));
        return rows;
    }

    /// <summary>The same rows in WAL order: any keys, sequence numbers rising.</summary>
    public static List<Row> WalRows()
    {
        var rows = SortedRows();
        var wal = new List<Row>(rows.Count);
        ulong seq = 1;
        foreach (var row in rows.AsEnumerable().Reverse())
        {
            wal.Add(row with { Seq = seq++ });
        }

        return wal;
    }

    /// <summary>Compacted and WAL SSTs with every codec, plus compacted ones with a legacy and a composite bloom filter and an empty WAL.</summary>
    public static IEnumerable<byte[]> Ssts()
    {
        foreach (CompressionCodec codec in Enum.GetValues<CompressionCodec>())
        {
            yield return Build(new SstBuildSettings(BlockSize, codec, 10, 1000, SstType.Compacted), SortedRows());
            yield return Build(SstBuildSettings.Wal(codec, BlockSize), WalRows());
        }

        yield return Build(new SstBuildSettings(BlockSize, CompressionCodec.None, 10, 1, SstType.Compacted), SortedRows());
        yield return Build(new SstBuildSettings(BlockSize, CompressionCodec.Snappy, 4, 1, SstType.Compacted), SortedRows());
        yield return Build(SstBuildSettings.Wal(CompressionCodec.None, BlockSize), []);
        yield return Build(new SstBuildSettings(64, CompressionCodec.None, 10, 1000, SstType.Compacted), SortedRows().Take(6).ToList());
        yield return V1Sst(SortedRows());

        // SlateDB 0.13+'s layout: a composite filter block and the filter_format field.
        yield return Build(new SstBuildSettings(BlockSize, CompressionCodec.None, 10, 1, SstType.Compacted, FilterFormat.Composite), SortedRows());
    }

    public static byte[] Build(SstBuildSettings settings, List<Row> rows)
    {
        using var builder = new SstBuilder(settings);
        foreach (var row in rows)
        {
            builder.Add(row.Entry);
        }

        builder.Finish();
        return builder.Pending.ToArray();
    }

    /// <summary>V2 blocks: restart interval 16 (SlateDB's), 1 and 4, sorted and WAL-ordered rows, a single row.</summary>
    public static IEnumerable<byte[]> V2Blocks()
    {
        yield return V2Block(SortedRows(), 16);
        yield return V2Block(SortedRows(), 1);
        yield return V2Block(SortedRows(), 4);
        yield return V2Block(WalRows(), 16);
        yield return V2Block(SortedRows().Take(1).ToList(), 16);
    }

    /// <summary>V1 blocks (one offset per row, prefixes against the first key).</summary>
    public static IEnumerable<byte[]> V1Blocks()
    {
        yield return V1Block(SortedRows().Take(30).ToList());
        yield return V1Block(SortedRows().Skip(40).ToList());
        yield return V1Block(SortedRows().Take(1).ToList());
    }

    /// <summary>
    /// An SST with footer version 1 and V1 blocks, as SlateDB releases before 0.9 wrote them; assembled
    /// from the section writers because <see cref="SstBuilder"/> writes version 2 only.
    /// </summary>
    public static byte[] V1Sst(List<Row> rows)
    {
        using var output = new SlateFast.Memory.PooledBufferWriter();
        var index = new SsTableIndexBuilder();
        using var block = new BlockBuilderV1(BlockSize);
        byte[]? previousLast = null;
        int next = 0;
        while (next < rows.Count)
        {
            block.Reset();
            while (next < rows.Count && block.TryAdd(rows[next].Entry))
            {
                next++;
            }

            byte[] first = block.FirstKey.ToArray();
            index.AddBlock((ulong)output.WrittenCount, previousLast is null ? [] : IndexKey.ShortestSeparator(previousLast, first));
            previousLast = block.LastKey.ToArray();
            SstSections.Write(block.Finish(), CompressionCodec.None, null, output);
        }

        ulong filterOffset = (ulong)output.WrittenCount;
        ulong indexLength = (ulong)SstSections.Write(index.Finish(), CompressionCodec.None, null, output);
        var info = new SsTableInfo
        {
            FirstEntry = rows[0].Key,
            LastEntry = rows[^1].Key,
            IndexOffset = filterOffset,
            IndexLength = indexLength,
            FilterOffset = filterOffset,
            Compression = CompressionCodec.None,
            SstType = SstType.Compacted,
        };
        ulong metaOffset = (ulong)output.WrittenCount;
        SstSections.WriteUncompressed(SsTableInfoCodec.Encode(info), output);
        SstSections.WriteFooter(metaOffset, 1, output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] V2Block(List<Row> rows, int restartInterval)
    {
        using var block = new BlockBuilderV2(BlockLimits.MaxBlockSize, restartInterval);
        foreach (var row in rows)
        {
            block.TryAdd(row.Entry);
        }

        return block.Finish().ToArray();
    }

    private static byte[] V1Block(List<Row> rows)
    {
        using var block = new BlockBuilderV1(BlockLimits.MaxBlockSize);
        foreach (var row in rows)
        {
            block.TryAdd(row.Entry);
        }

        return block.Finish().ToArray();
    }

    private static byte[] Value(int i, int length)
    {
        var value = new byte[length];
        new Random(i).NextBytes(value);
        return value;
    }

    /// <summary>A row with owned bytes, so samples can be listed and reordered.</summary>
    internal sealed record Row(byte[] Key, byte[] Value, ulong Seq, RowKind Kind, long? CreateTs, long? ExpireTs)
    {
        public RowEntry Entry => new(Key, Value, Seq, Kind, ExpireTs, CreateTs);
    }
}
