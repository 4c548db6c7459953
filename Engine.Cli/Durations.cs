namespace SlateFast.Cli;

/// <summary>Durations on the command line: the engine's rules (<see cref="SlateFast.Durations"/>), failing as a usage error.</summary>
internal static class Durations
{
    public static TimeSpan Parse(string text, string what) =>
        SlateFast.Durations.TryParse(text, what, out var error) ?? throw new UsageException(error);
}
