using System.Globalization;

namespace SlateFast.Settings;

/// <summary>
/// Typed reads of one settings node. Every failure is Invalid naming the key's full path, the
/// value found and the form expected; ranges are left to the options' own checks when the
/// database opens, so each rule keeps one home.
/// </summary>
internal readonly struct Setting(SettingsNode node)
{
    public SettingsNode Node => node;

    public bool IsNull => node.IsNull;

    /// <summary>The key, lower-cased, when it is one of <paramref name="known"/>; otherwise Invalid listing them.</summary>
    public string Name(string[] known)
    {
        var key = node.Name.ToLowerInvariant();
        return Array.IndexOf(known, key) >= 0
            ? key
            : throw SettingsErrors.InvalidWithPath(node, $"{node.Where} is not a SlateFast setting (known keys here: {string.Join(", ", known)})");
    }

    /// <summary>The children of a section; Invalid for a value.</summary>
    public IEnumerable<Setting> Children()
    {
        if (!node.IsSection)
        {
            throw SettingsErrors.Invalid(node, "must be a section of settings, not a single value");
        }

        return node.Children.Select(c => new Setting(c));
    }

    public string Text()
    {
        if (node.IsSection)
        {
            // A section where a value belongs: "flush_interval": { ... }.
            throw SettingsErrors.Invalid(node, "must be a single value, not a section");
        }

        return node.Text?.Trim() ?? throw SettingsErrors.Invalid(node, "must be set; null is not supported here");
    }

    public string? TextOrNull() => node.IsNull ? null : Text();

    public TimeSpan Duration() =>
        Durations.TryParse(Text(), node.Where, out var error) ?? throw SettingsErrors.InvalidWithPath(node, error);

    public TimeSpan? DurationOrNull() => node.IsNull ? null : Duration();

    public long Long() =>
        long.TryParse(Text(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Fail("must be a whole number (bytes or a count)");

    public long? LongOrNull() => node.IsNull ? null : Long();

    public int Int() =>
        int.TryParse(Text(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Fail($"must be a whole number up to {int.MaxValue}");

    public double Double() =>
        double.TryParse(Text(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : throw Fail("must be a number such as 4.0");

    public bool Bool() => Text().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Fail("must be true or false"),
    };

    public T OneOf<T>(string expected, params (string Name, T Value)[] choices)
    {
        var text = Text();
        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw Fail($"expected {expected}");
    }

    public SlateFastException Fail(string why) => SettingsErrors.Invalid(node, why);

    /// <summary>A SlateDB setting SlateFast does not implement, set to a value whose effect SlateFast cannot give.</summary>
    public SlateFastException Unsupported(string why) => SettingsErrors.Invalid(node, $"is not supported by SlateFast: {why}");
}
