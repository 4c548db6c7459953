using System.Globalization;

namespace SlateFast;

/// <summary>
/// Durations written by people (settings files, command lines, store URLs), always with a unit:
/// <c>100ms</c>, <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>7d</c>, or several together as SlateDB's
/// settings write them (<c>1h30m</c>, <c>1s+500ms</c>, <c>3m 31s</c>).
/// </summary>
/// <remarks>
/// The units are SlateDB's (its duration-str parser): y, mon, w, d, h (hr), m (min), s (sec),
/// ms (msec), us (µs), ns and their long names, in any case; terms join by nothing, spaces or
/// <c>+</c>. Two departures, both refusals rather than other readings: a term without a unit is
/// refused (SlateDB reads it as seconds, but an old SlateFast parser read <c>--min-age 60</c> as
/// sixty days, and no unit is an obvious default for both a checkpoint lifetime and a request
/// timeout), and so is duration-str's <c>*</c> product. Fractions (<c>1.5s</c>) are a SlateFast
/// extra.
/// </remarks>
public static class Durations
{
    private static readonly Dictionary<string, double> s_unitSeconds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["y"] = 365 * 86400.0, ["year"] = 365 * 86400.0,
        ["mon"] = 30 * 86400.0, ["month"] = 30 * 86400.0,
        ["w"] = 7 * 86400.0, ["week"] = 7 * 86400.0,
        ["d"] = 86400, ["day"] = 86400,
        ["h"] = 3600, ["hr"] = 3600, ["hour"] = 3600,
        ["m"] = 60, ["min"] = 60, ["minute"] = 60,
        ["s"] = 1, ["sec"] = 1, ["second"] = 1,
        ["ms"] = 1e-3, ["msec"] = 1e-3, ["millisecond"] = 1e-3,
        ["us"] = 1e-6, ["µs"] = 1e-6, ["usec"] = 1e-6, ["µsec"] = 1e-6, ["microsecond"] = 1e-6,
        ["ns"] = 1e-9, ["nsec"] = 1e-9, ["nanosecond"] = 1e-9,
    };

    /// <summary>
    /// The duration <paramref name="text"/> names; <see cref="ErrorKind.Invalid"/> when it names
    /// none, with a message that names <paramref name="what"/> (a flag or setting) and says why.
    /// </summary>
    public static TimeSpan Parse(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, what, out var error) ?? ThrowHelper.Invalid<TimeSpan>(error);
    }

    /// <summary>The duration <paramref name="text"/> names, or null with <paramref name="error"/> saying why not (naming <paramref name="what"/>).</summary>
    internal static TimeSpan? TryParse(string text, string what, out string error)
    {
        error = string.Empty;
        var rest = text.Trim();
        if (rest.Length > 0 && rest.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            error = $"{what} needs a unit: '{text}' could be seconds or days; write for example {rest}s, {rest}m or {rest}d";
            return null;
        }

        var invalid = $"{what} must be a duration such as 100ms, 90s, 15m, 2h, 7d, 1h30m or 1s+500ms, got '{text}'";
        double seconds = 0;
        var parts = 0;
        var i = 0;
        while (i < rest.Length)
        {
            // Between terms: spaces, and at most one '+' (not before the first term).
            var plus = false;
            while (i < rest.Length && (rest[i] == ' ' || (rest[i] == '+' && parts > 0 && !plus)))
            {
                plus |= rest[i] == '+';
                i++;
            }

            if (i == rest.Length)
            {
                if (plus)
                {
                    error = invalid;
                    return null;
                }

                break;
            }

            if (rest[i] == '*')
            {
                error = $"{what}: '{text}' multiplies ('*'), which SlateFast does not read; write the product, for example 10m";
                return null;
            }

            var start = i;
            while (i < rest.Length && (char.IsAsciiDigit(rest[i]) || rest[i] == '.'))
            {
                i++;
            }

            var number = rest.AsSpan(start, i - start);
            while (i < rest.Length && rest[i] == ' ')
            {
                i++;
            }

            var unitStart = i;
            while (i < rest.Length && (char.IsAsciiLetter(rest[i]) || rest[i] == 'µ'))
            {
                i++;
            }

            var unit = rest[unitStart..i];
            if (number.Length == 0 || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                error = invalid;
                return null;
            }

            if (unit.Length == 0)
            {
                error = i < rest.Length && rest[i] == '*'
                    ? $"{what}: '{text}' multiplies ('*'), which SlateFast does not read; write the product, for example 10m"
                    : $"{what} needs a unit after {number.ToString()} in '{text}' (SlateDB would read seconds); write for example {number.ToString()}s";
                return null;
            }

            if (!s_unitSeconds.TryGetValue(unit, out var unitSeconds))
            {
                error = invalid;
                return null;
            }

            seconds += n * unitSeconds;
            parts++;
        }

        if (parts == 0 || seconds >= TimeSpan.MaxValue.TotalSeconds)
        {
            error = invalid;
            return null;
        }

        // Ticks, not FromSeconds(double): 1e-6 s units must not round away.
        return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
    }

    /// <summary>A short form for messages: 500 ms, 5 s, 2.5 min.</summary>
    internal static string Format(TimeSpan t) => t.TotalSeconds < 1
        ? $"{t.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms"
        : t.TotalSeconds < 120 ? $"{t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s" : $"{t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min";
}
