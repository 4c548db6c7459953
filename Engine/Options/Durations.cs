using System.Globalization;

namespace SlateFast;

/// <summary>
/// Durations written by people (command lines, store URLs), always with a unit: <c>100ms</c>,
/// <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>7d</c>, or several together as SlateDB's settings write
/// them (<c>1h30m</c>).
/// </summary>
/// <remarks>
/// A bare number is refused: an old parser read <c>--min-age 60</c> as sixty days, and no unit is
/// an obvious default for both a checkpoint lifetime and a request timeout.
/// </remarks>
internal static class Durations
{
    // Longest first, so "ms" is not read as minutes followed by garbage.
    private static readonly (string Unit, double Seconds)[] s_units =
        [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];

    /// <summary>The duration <paramref name="text"/> names, or null with <paramref name="error"/> saying why not (naming <paramref name="what"/>).</summary>
    public static TimeSpan? TryParse(string text, string what, out string error)
    {
        error = string.Empty;
        var rest = text.Trim();
        if (rest.Length > 0 && rest.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            error = $"{what} needs a unit: '{text}' could be seconds or days; write for example {rest}s, {rest}m or {rest}d";
            return null;
        }

        var invalid = $"{what} must be a duration such as 100ms, 90s, 15m, 2h, 7d or 1h30m, got '{text}'";
        double seconds = 0;
        var parts = 0;
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            var unit = s_units.FirstOrDefault(u => rest.AsSpan(digits).StartsWith(u.Unit, StringComparison.Ordinal)
                && (digits + u.Unit.Length == rest.Length || char.IsAsciiDigit(rest[digits + u.Unit.Length])));
            if (digits == 0 || unit.Unit is null
                || !double.TryParse(rest.AsSpan(0, digits), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                error = invalid;
                return null;
            }

            seconds += n * unit.Seconds;
            rest = rest[(digits + unit.Unit.Length)..];
            parts++;
        }

        if (parts == 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            error = invalid;
            return null;
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A short form for messages: 500 ms, 5 s, 2.5 min.</summary>
    public static string Format(TimeSpan t) => t.TotalSeconds < 1
        ? $"{t.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms"
        : t.TotalSeconds < 120 ? $"{t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s" : $"{t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min";
}
