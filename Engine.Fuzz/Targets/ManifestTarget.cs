using System.Buffers.Binary;
using SlateFast.Fuzz.Seeds;
using SlateFast.Manifest;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Decodes a manifest file; what decodes must survive re-encoding. A version-1 manifest must come
/// back equal; a version-2 one is re-encoded as version 1 (which has no view ids), so from then on
/// the state must be stable, and re-encoding it must give the same bytes again.
/// </summary>
internal sealed class ManifestTarget : IFuzzTarget
{
    public const string TargetName = "manifest";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var decoded = ManifestCodec.Decode(input);
        byte[] encoded = ManifestCodec.Encode(decoded);
        var again = ManifestCodec.Decode(encoded);
        if (BinaryPrimitives.ReadUInt16BigEndian(input) == ManifestCodec.Version1)
        {
            RoundTripException.Require(StateDifference.Of(decoded, again) is null, "manifest", () => StateDifference.Of(decoded, again)!);
        }
        else
        {
            var third = ManifestCodec.Decode(ManifestCodec.Encode(again));
            RoundTripException.Require(StateDifference.Of(again, third) is null, "manifest (from version 2)", () => StateDifference.Of(again, third)!);
        }

        byte[] reencoded = ManifestCodec.Encode(again);
        RoundTripException.Require(reencoded.AsSpan().SequenceEqual(encoded), "manifest bytes", () => $"{encoded.Length} bytes became {reencoded.Length}");
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.Manifests;
}
