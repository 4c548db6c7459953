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

        // Version 2 holds everything a decoded state can hold except two compactions with one id,
        // which SlateDB itself collapses to one and which the version 2 writer refuses.
        if (decoded.Recent.GroupBy(c => c.Id).Any(g => g.Count() > 1))
        {
            return;
        }

        RoundTrip(decoded, CompactionsCodec.V2);
        if (CompactionsCodec.FitsVersion1(decoded, out _))
        {
            RoundTrip(decoded, CompactionsCodec.V1);
        }
    }

    private static void RoundTrip(CompactionsState decoded, ushort version)
    {
        byte[] encoded = CompactionsCodec.Encode(decoded, version);
        var again = CompactionsCodec.Decode(encoded);

        // The version 2 writer puts compactions in id order, as SlateDB does; a version 1 file keeps
        // the list's order.
        var expected = version == CompactionsCodec.V2 ? decoded with { Recent = [.. decoded.Recent.OrderBy(c => c.Id)] } : decoded;
        RoundTripException.Require(StateDifference.Of(expected, again) is null, "compactions", () => StateDifference.Of(expected, again)!);
        byte[] reencoded = CompactionsCodec.Encode(again, version);
        RoundTripException.Require(reencoded.AsSpan().SequenceEqual(encoded), "compactions bytes", () => $"version {version}: {encoded.Length} bytes became {reencoded.Length}");
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.CompactionsFiles;
}
