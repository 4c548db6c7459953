using SlateFast.Format;
using SlateFast.Format.Blocks;

namespace SlateFast.Fuzz.Targets;

/// <summary>Every fuzz target. To add one, implement <see cref="IFuzzTarget"/> and list it here.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } = Create();

    /// <summary>Fresh instances (targets keep per-run buffers, so concurrent runs each need their own).</summary>
    public static IReadOnlyList<IFuzzTarget> Create() =>
    [
        new BloomFilterTarget(),
        new CompositeFilterTarget(),
        new DecompressTarget(CompressionCodec.Snappy),
        new DecompressTarget(CompressionCodec.Zlib),
        new DecompressTarget(CompressionCodec.Lz4),
        new DecompressTarget(CompressionCodec.Zstd),
        new BlockTarget(BlockFormat.V2),
        new BlockTarget(BlockFormat.V1),
        new SstTarget(),
        new SstInfoTarget(),
        new SstIndexTarget(),
        new SstStatsTarget(),
        new ManifestTarget(),
        new CompactionsTarget(),
        new SequenceTrackerTarget(),
        new FlatBuffersTarget(),
    ];
}
