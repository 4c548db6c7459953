using SlateFast.Fuzz.Seeds;
using SlateFast.Manifest;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Decodes a sequence tracker blob (Gorilla-coded); what decodes must come back equal. Decoded
/// delta-of-deltas are at most 32 bits, so the codec's lossy case (a change of 2^31 or more) cannot arise here.
/// </summary>
internal sealed class SequenceTrackerTarget : IFuzzTarget
{
    public const string TargetName = "sequence-tracker";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var tracker = SequenceTrackerCodec.Decode(input);
        var again = SequenceTrackerCodec.Decode(SequenceTrackerCodec.Encode(tracker));
        RoundTripException.Require(tracker.Equals(again), "sequence tracker", () => $"{tracker.Samples.Length} samples became {again.Samples.Length}, or a sample changed");
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.Trackers();
}
