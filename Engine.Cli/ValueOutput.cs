using System.Text;
using System.Text.Json;

namespace SlateFast.Cli;

/// <summary>How <c>get</c> and <c>scan</c> print keys and values.</summary>
internal enum OutputFormat
{
    /// <summary>UTF-8 text as is; anything else (invalid UTF-8, control characters) as <c>0x</c> and hex, so the two never look alike.</summary>
    Text,

    /// <summary>Lower-case hex, always.</summary>
    Hex,

    /// <summary>The value's bytes alone, nothing added (<c>get</c> only).</summary>
    Raw,

    /// <summary>One JSON object per row, keys and values in hex.</summary>
    Jsonl,
}

/// <summary>Renders keys and values for the read commands.</summary>
internal static class ValueOutput
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    /// <summary>
    /// The format <c>--output</c> names; else scan's older <c>--format</c>; else hex when
    /// <c>--hex</c> was given (keys typed in hex read back in hex); else text.
    /// </summary>
    public static OutputFormat Choose(ParsedArgs args, bool allowRaw)
    {
        var named = args.Get("--output") ?? args.Get("--format");
        var names = allowRaw ? "text, hex, raw or jsonl" : "text, hex or jsonl";
        return named switch
        {
            null => args.Has("--hex") ? OutputFormat.Hex : OutputFormat.Text,
            "text" => OutputFormat.Text,
            "hex" => OutputFormat.Hex,
            "jsonl" => OutputFormat.Jsonl,
            "raw" when allowRaw => OutputFormat.Raw,
            var other => throw new UsageException($"--output must be {names}, got '{other}'"),
        };
    }

    /// <summary>One key or value in <paramref name="format"/> (text or hex).</summary>
    public static string Show(ReadOnlySpan<byte> bytes, OutputFormat format)
    {
        if (format == OutputFormat.Text && AsText(bytes) is { } text)
        {
            return text;
        }

        var hex = Convert.ToHexStringLower(bytes);
        return format == OutputFormat.Text ? "0x" + hex : hex;
    }

    /// <summary>A row as one JSON line: <c>{"key":hex,"value":hex}</c>.</summary>
    public static string JsonLine(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("key", Convert.ToHexStringLower(key));
            json.WriteString("value", Convert.ToHexStringLower(value));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    // Text only when it is valid UTF-8 and free of control characters, which a terminal would
    // act on or hide (and a value printed as "0x..." must not be mistaken for text).
    private static string? AsText(ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return text.Any(char.IsControl) || text.StartsWith("0x", StringComparison.Ordinal) ? null : text;
    }
}
