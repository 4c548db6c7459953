namespace SlateFast.Fuzz.Targets;

/// <summary>A decoded value did not survive encode-then-decode: a finding, whatever the input was.</summary>
internal sealed class RoundTripException(string message) : Exception(message)
{
    public static void Require(bool equal, string what, Func<string> detail)
    {
        if (!equal)
        {
            throw new RoundTripException($"{what} changed in an encode/decode round trip: {detail()}");
        }
    }
}
