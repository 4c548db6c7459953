using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Tests.Interop.Format;

/// <summary>One SST SlateDB wrote and the same rows rebuilt by SlateFast's <see cref="SstBuilder"/>.</summary>
internal sealed record RebuiltSst(StoredSst Original, byte[] Rebuilt)
{
    public string Path => Original.File.Path;
}

/// <summary>
/// Rebuilds SlateDB's SSTs from their decoded rows with the settings SlateDB used (the database's
/// block size and codec, min_filter_keys 1000, 10 bits per key), for byte comparisons.
/// </summary>
internal static class SstRebuild
{
    public static CompressionCodec CodecOf(SlateDbGenerated g) => g.Codec switch
    {
        "none" => CompressionCodec.None,
        "snappy" => CompressionCodec.Snappy,
        "zlib" => CompressionCodec.Zlib,
        "lz4" => CompressionCodec.Lz4,
        "zstd" => CompressionCodec.Zstd,
        var other => throw new InvalidOperationException($"unknown codec {other}"),
    };

    /// <summary>Every WAL SST and every compacted SST of the database, each with its rebuild.</summary>
    public static async Task<IReadOnlyList<RebuiltSst>> RebuildEverySstAsync(SlateDbGenerated g)
    {
        var db = await StoredDatabase.LoadAsync(new LocalObjectStore(g.Root), g.DbPath);
        var codec = CodecOf(g);
        var result = new List<RebuiltSst>();
        foreach (var id in db.WalIds)
        {
            var wal = await db.ReadWalAsync(id);
            // the empty fencing WAL comes from the compacted builder (spec §7)
            var settings = wal.File.Info.SstType == SstType.Wal
                ? SstBuildSettings.Wal(codec, g.BlockSize)
                : Compacted(codec, g.BlockSize);
            result.Add(new RebuiltSst(wal, Build(wal, settings)));
        }

        foreach (var id in db.CompactedIds)
        {
            var sst = await StoredSst.ReadAsync(db.Store, DbPaths.CompactedSstPath(db.DbPath, id), db.FormatVersionOf(id));
            result.Add(new RebuiltSst(sst, Build(sst, Compacted(codec, g.BlockSize))));
        }

        return result;
    }

    private static SstBuildSettings Compacted(CompressionCodec codec, int blockSize) =>
        new(blockSize, codec, FilterBitsPerKey: 10, MinFilterKeys: 1000, SstType.Compacted);

    private static byte[] Build(StoredSst sst, SstBuildSettings settings)
    {
        using var builder = new SstBuilder(settings);
        foreach (var row in sst.Rows)
        {
            builder.Add(row.Entry);
        }

        builder.Finish();
        return builder.Pending.ToArray();
    }
}
