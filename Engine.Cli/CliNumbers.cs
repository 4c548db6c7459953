using System.Globalization;

namespace SlateFast.Cli;

/// <summary>
/// The one parser of whole numbers given on the command line: digits only (no sign, spaces or
/// separators, whatever the culture) within a range; anything else is a usage error that names the
/// argument and what it must be: "{what} must be {meaning}, got '{text}'".
/// </summary>
internal static class CliNumbers
{
    public static ulong U64(string text, string what, string meaning, ulong min = 0) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw Refused(text, what, meaning);

    public static long I64(string text, string what, string meaning, long min = 0, long max = long.MaxValue) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Refused(text, what, meaning);

    private static UsageException Refused(string text, string what, string meaning) => new($"{what} must be {meaning}, got '{text}'");
}
