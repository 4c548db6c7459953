namespace SlateFast.Fuzz;

/// <summary>
/// The one rule every fuzzing mode applies: a decoder may return or throw
/// <see cref="ErrorKind.Data"/>; any other exception is a finding and leaves this method.
/// </summary>
internal static class FuzzContract
{
    /// <summary>True when the input was accepted, false when it was refused as corrupt.</summary>
    public static bool Run(IFuzzTarget target, ReadOnlySpan<byte> input)
    {
        try
        {
            target.Run(input);
            return true;
        }
        catch (SlateFastException ex) when (ex.Kind == ErrorKind.Data)
        {
            return false;
        }
    }
}
