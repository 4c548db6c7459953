using SlateFast.Fuzz.Seeds;
using SlateFast.Sst;

namespace SlateFast.Fuzz.Targets;

/// <summary>Decodes an SST info payload (the footer's <c>SsTableInfo</c>, without CRC); what decodes must survive a round trip.</summary>
internal sealed class SstInfoTarget : IFuzzTarget
{
    public const string TargetName = "sst-info";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var info = SsTableInfoCodec.Decode(input);
        var again = SsTableInfoCodec.Decode(SsTableInfoCodec.Encode(info));
        RoundTripException.Require(info.Equals(again), "SsTableInfo", () => $"{info} became {again}");
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.Pieces.Select(p => p.Info);
}
