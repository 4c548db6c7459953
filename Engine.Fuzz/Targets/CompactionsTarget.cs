using SlateFast.Fuzz.Seeds;
using SlateFast.Manifest;

namespace SlateFast.Fuzz.Targets;

/// <summary>Decodes a compactions file; what decodes must come back equal from encode-then-decode, and re-encode to the same bytes.</summary>
internal sealed class CompactionsTarget : IFuzzTarget
{
    public const string TargetName = "compactions";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var decoded = CompactionsCodec.Decode(input);
        byte[] encoded = CompactionsCodec.Encode(decoded);
        var again = CompactionsCodec.Decode(encoded);
        RoundTripException.Require(StateDifference.Of(decoded, again) is null, "compactions", () => StateDifference.Of(decoded, again)!);
        byte[] reencoded = CompactionsCodec.Encode(again);
        RoundTripException.Require(reencoded.AsSpan().SequenceEqual(encoded), "compactions bytes", () => $"{encoded.Length} bytes became {reencoded.Length}");
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.CompactionsFiles;
}
