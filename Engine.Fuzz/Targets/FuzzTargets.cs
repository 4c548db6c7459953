namespace SlateFast.Fuzz.Targets;

/// <summary>Every fuzz target. To add one, implement <see cref="IFuzzTarget"/> and list it here.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new BloomFilterTarget(),
        new DecompressTarget(CompressionCodec.Snappy),
        new DecompressTarget(CompressionCodec.Zlib),
        new DecompressTarget(CompressionCodec.Lz4),
        new DecompressTarget(CompressionCodec.Zstd),
    ];
}
