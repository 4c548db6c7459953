using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.Format.Blocks;

namespace SlateFast.Fuzz.Seeds;

/// <summary>
/// The seeds every run starts from: SlateDB-written samples and SlateFast-written files, and the
/// pieces cut out of them. Built once per process; the fuzzer never reads a fixture folder.
/// </summary>
internal static class BuiltInSeeds
{
    private static readonly Lazy<IReadOnlyList<byte[]>> s_ssts = new(() =>
        [
            SlateDbSamples.FencingWal,
            SlateDbSamples.DeletesWal,
            SlateDbSamples.TtlMergeWal,
            SlateDbSamples.TtlMergeCompactedSst,
            .. SstSamples.Ssts(),
        ]);

    private static readonly Lazy<IReadOnlyList<SstPieces>> s_pieces = new(() =>
        [.. Ssts.Select(sst => SstPieces.Cut(sst)).OfType<SstPieces>()]);

    private static readonly Lazy<IReadOnlyList<byte[]>> s_manifests = new(() =>
        [
            SlateDbSamples.InitialManifest,
            SlateDbSamples.CompactedManifest,
            ManifestCodec.Encode(ManifestState.Initial),
            ManifestCodec.Encode(ManifestSamples.Rich()),
            ManifestCodec.Encode(ManifestSamples.Segmented()),
        ]);

    private static readonly Lazy<IReadOnlyList<byte[]>> s_compactions = new(() =>
        [
            SlateDbSamples.Compactions,
            CompactionsCodec.Encode(ManifestSamples.Compactions()),
            CompactionsCodec.Encode(ManifestSamples.CompactionsV2(), CompactionsCodec.V2),
            CompactionsCodec.Encode(new CompactionsState(0, [])),
        ]);

    public static IReadOnlyList<byte[]> Ssts => s_ssts.Value;

    public static IReadOnlyList<SstPieces> Pieces => s_pieces.Value;

    public static IReadOnlyList<byte[]> Manifests => s_manifests.Value;

    public static IReadOnlyList<byte[]> CompactionsFiles => s_compactions.Value;

    public static IEnumerable<byte[]> Blocks(BlockFormat format)
    {
        IEnumerable<byte[]> own = format == BlockFormat.V2
            ? [SlateDbSamples.TtlMergeBlock, .. SstSamples.V2Blocks()]
            : SstSamples.V1Blocks();
        return own.Concat(Pieces.Where(p => p.Format == format).SelectMany(p => p.Blocks));
    }

    public static IEnumerable<byte[]> Trackers()
    {
        yield return SequenceTrackerCodec.EmptyBlob.ToArray();
        yield return SequenceTrackerCodec.Encode(ManifestSamples.Tracker());
        foreach (byte[] manifest in Manifests)
        {
            yield return SequenceTrackerCodec.Encode(ManifestCodec.Decode(manifest).SequenceTracker);
        }
    }

    /// <summary>Flatbuffer bodies of every kind SlateDB writes: SST info, index and stats, manifests and compactions without their version prefix.</summary>
    public static IEnumerable<byte[]> FlatBuffers() =>
        Pieces.SelectMany(p => new[] { p.Info, p.Index, p.Stats }.OfType<byte[]>())
            .Concat(Manifests.Concat(CompactionsFiles).Select(file => file[2..]));
}
