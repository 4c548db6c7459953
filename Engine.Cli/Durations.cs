namespace SlateFast.Cli;

/// <summary>Durations on the command line: the engine's rules (<see cref="SlateFast.Durations"/>), failing as a usage error.</summary>
internal static class Durations
{
    public static TimeSpan Parse(string text, string what)
    {
        try
        {
            return SlateFast.Durations.Parse(text, what);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Invalid)
        {
            throw new UsageException(e.Message);
        }
    }
}
