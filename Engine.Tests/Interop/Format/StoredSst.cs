using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Interop.Format;

/// <summary>
/// An SST opened with SlateFast's reader core, with every block read and every row decoded, plus the
/// decompressed payloads of its metadata sections (for byte comparisons).
/// </summary>
internal sealed class StoredSst
{
    private StoredSst(SstFile file, byte[] bytes, IReadOnlyList<ReadOnlyMemory<byte>> blocks, IReadOnlyList<StoredRow> rows)
    {
        File = file;
        Bytes = bytes;
        Blocks = blocks;
        Rows = rows;
    }

    public SstFile File { get; }

    /// <summary>The whole object as stored.</summary>
    public byte[] Bytes { get; }

    /// <summary>Decompressed, CRC-checked block payloads in index order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Blocks { get; }

    /// <summary>Every row in file order.</summary>
    public IReadOnlyList<StoredRow> Rows { get; }

    public ReadOnlyMemory<byte> IndexPayload => Section(File.Info.IndexOffset, File.Info.IndexLength, "index");

    /// <summary>Empty when the SST has no filter.</summary>
    public ReadOnlyMemory<byte> FilterPayload => Section(File.Info.FilterOffset, File.Info.FilterLength, "filter");

    /// <summary>Empty when the SST has no stats section.</summary>
    public ReadOnlyMemory<byte> StatsPayload => Section(File.Info.StatsOffset, File.Info.StatsLength, "stats");

    /// <summary>Opens <paramref name="path"/>; <paramref name="formatVersion"/> is the manifest entry's (null: the footer's).</summary>
    public static async Task<StoredSst> ReadAsync(IObjectStore store, string path, ushort? formatVersion = null)
    {
        var file = await SstFile.OpenAsync(store, path, formatVersion);
        var data = await store.GetAsync(path) ?? throw new InvalidOperationException($"{path} vanished");
        var blocks = new List<ReadOnlyMemory<byte>>(file.BlockCount);
        var rows = new List<StoredRow>();
        var it = new BlockIterator();
        for (var b = 0; b < file.BlockCount; b++)
        {
            var block = await file.ReadBlockAsync(b);
            blocks.Add(block);
            it.Reset(block, file.Format);
            var rowsBefore = rows.Count;
            for (var valid = it.SeekToFirst(); valid; valid = it.MoveNext())
            {
                rows.Add(StoredRow.From(it));
            }

            if (rows.Count == rowsBefore)
            {
                throw new InvalidOperationException($"{path}: block {b} holds no rows");
            }
        }

        return new StoredSst(file, data.Data.ToArray(), blocks, rows);
    }

    private ReadOnlyMemory<byte> Section(ulong offset, ulong length, string what) =>
        length == 0
            ? ReadOnlyMemory<byte>.Empty
            : SstSections.Read(Bytes.AsMemory((int)offset, (int)length), File.Info.Compression, null, File.Path, (long)offset, what, SstFile.DefaultMaxSectionSize);
}
