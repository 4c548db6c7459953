using SlateFast.Fuzz.Seeds;
using SlateFast.Sst;

namespace SlateFast.Fuzz.Targets;

/// <summary>Decodes an SST stats payload (<c>SstStats</c>, decompressed, without CRC); what decodes must survive a round trip.</summary>
internal sealed class SstStatsTarget : IFuzzTarget
{
    public const string TargetName = "sst-stats";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var stats = SstStatsCodec.Decode(input);
        var again = SstStatsCodec.Decode(SstStatsCodec.Encode(stats));
        RoundTripException.Require(stats.Equals(again), "SstStats", () => $"{stats} ({stats.Blocks.Length} blocks) became {again} ({again.Blocks.Length} blocks)");
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.Pieces.Select(p => p.Stats).OfType<byte[]>();
}
