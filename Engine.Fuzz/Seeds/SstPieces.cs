using System.Buffers.Binary;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Blocks;

namespace SlateFast.Fuzz.Seeds;

/// <summary>
/// The decodable pieces of one SST, found by opening it with <see cref="SstFile"/>: its data block
/// payloads (decompressed, without CRC) and the payloads of its info, index, stats and filter sections.
/// They seed the targets that fuzz one piece alone.
/// </summary>
internal sealed record SstPieces(
    BlockFormat Format,
    IReadOnlyList<byte[]> Blocks,
    byte[] Info,
    byte[] Index,
    byte[]? Stats,
    byte[]? Filter)
{
    private const string Path = "seed.sst";

    /// <summary>Cuts <paramref name="sst"/> into pieces, keeping at most <paramref name="maxBlocks"/> blocks (first, last, evenly between); null when the SST does not open.</summary>
    public static SstPieces? Cut(byte[] sst, int maxBlocks = 8)
    {
        try
        {
            return CutAsync(sst, maxBlocks).AsTask().GetAwaiter().GetResult();
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            return null;
        }
    }

    private static async ValueTask<SstPieces> CutAsync(byte[] sst, int maxBlocks)
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync(Path, sst).ConfigureAwait(false);
        var file = await SstFile.OpenAsync(store, Path).ConfigureAwait(false);

        var blocks = new List<byte[]>();
        foreach (int block in Pick(file.BlockCount, maxBlocks))
        {
            blocks.Add((await file.ReadBlockAsync(block).ConfigureAwait(false)).ToArray());
        }

        ulong metaOffset = BinaryPrimitives.ReadUInt64BigEndian(sst.AsSpan(sst.Length - SstSections.FooterLength));
        byte[] info = sst[(int)metaOffset..(sst.Length - SstSections.FooterLength - SstSections.ChecksumLength)];
        return new SstPieces(
            file.Format,
            blocks,
            info,
            file.Index.Buffer.ToArray(),
            Section(sst, file.Info.StatsOffset, file.Info.StatsLength, file.Info.Compression),
            Section(sst, file.Info.FilterOffset, file.Info.FilterLength, file.Info.Compression));
    }

    private static byte[]? Section(byte[] sst, ulong offset, ulong length, CompressionCodec codec) =>
        length == 0
            ? null
            : SstSections.Read(sst.AsMemory((int)offset, (int)length), codec, null, Path, (long)offset, "section", SstFile.DefaultMaxSectionSize).ToArray();

    private static IEnumerable<int> Pick(int count, int max)
    {
        if (count <= max || max < 2)
        {
            return Enumerable.Range(0, Math.Min(count, Math.Max(max, 0)));
        }

        return Enumerable.Range(0, max).Select(i => (int)((long)i * (count - 1) / (max - 1))).Distinct();
    }
}
