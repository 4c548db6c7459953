namespace SlateFast.Settings;

/// <summary>
/// One node of the neutral settings tree every source is read into (a JSON, TOML or YAML
/// document, environment variables, a .NET configuration section): a section of named children,
/// a scalar's text, or null. Scalars keep their text whatever the source's type (<c>4</c> and
/// <c>"4"</c> read alike), because SlateDB's own files mix them (<c>scheduler_options</c> holds
/// numbers as strings) and configuration sections and environment variables have only text.
/// </summary>
internal sealed class SettingsNode
{
    private readonly List<SettingsNode>? _children;

    private SettingsNode(string name, string where, string? source, string? text, List<SettingsNode>? children)
    {
        Name = name;
        Where = where;
        Source = source;
        Text = text;
        _children = children;
    }

    /// <summary>The key, as the source spells it (compared case-insensitively).</summary>
    public string Name { get; }

    /// <summary>The full key path as the user wrote it: <c>compactor_options.max_sst_size</c>, <c>SlateFast:flush_interval</c>, <c>SLATEDB_FLUSH_INTERVAL</c>.</summary>
    public string Where { get; }

    /// <summary>Where the node was read from (a file name, "environment"), for messages; null when the path says it.</summary>
    public string? Source { get; }

    /// <summary>A scalar's text; null for a section or a null.</summary>
    public string? Text { get; }

    public bool IsSection => _children is not null;

    public bool IsNull => _children is null && Text is null;

    public IReadOnlyList<SettingsNode> Children => _children ?? [];

    public static SettingsNode Section(string name, string where, string? source) => new(name, where, source, null, []);

    public static SettingsNode Scalar(string name, string where, string? source, string text) => new(name, where, source, text, null);

    public static SettingsNode Null(string name, string where, string? source) => new(name, where, source, null, null);

    public SettingsNode? Child(string name) => _children?.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds a child; a key given twice (in any case) is Invalid, as TOML and YAML make it.</summary>
    public SettingsNode Add(SettingsNode child)
    {
        if (Child(child.Name) is { } existing)
        {
            throw SettingsErrors.Invalid(child, $"is set twice (also as {existing.Where})");
        }

        _children!.Add(child);
        return child;
    }

    /// <summary>The child section <paramref name="name"/>, created when absent; Invalid when it holds a value.</summary>
    public SettingsNode SectionChild(string name, string where, string? source)
    {
        if (Child(name) is not { } existing)
        {
            return Add(Section(name, where, source));
        }

        return existing.IsSection ? existing : throw SettingsErrors.Invalid(existing, "is both a value and a section of settings");
    }

    /// <summary>This tree with <paramref name="later"/> laid over it key by key: later values win, sections merge.</summary>
    public static SettingsNode Merge(SettingsNode earlier, SettingsNode later)
    {
        if (!earlier.IsSection || !later.IsSection)
        {
            return later;
        }

        var merged = Section(earlier.Name, earlier.Where, earlier.Source);
        foreach (var child in earlier.Children)
        {
            merged._children!.Add(later.Child(child.Name) is { } over ? Merge(child, over) : child);
        }

        foreach (var child in later.Children)
        {
            if (earlier.Child(child.Name) is null)
            {
                merged._children!.Add(child);
            }
        }

        return merged;
    }

    /// <summary>A copy of this section without the children named <paramref name="names"/>.</summary>
    public SettingsNode Without(IEnumerable<string> names)
    {
        var drop = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        var copy = Section(Name, Where, Source);
        copy._children!.AddRange(Children.Where(c => !drop.Contains(c.Name)));
        return copy;
    }
}

/// <summary>The one place settings messages are worded: "invalid settings[ in SOURCE]: PATH ("VALUE") WHY".</summary>
internal static class SettingsErrors
{
    public static SlateFastException Invalid(SettingsNode node, string why) =>
        new(ErrorKind.Invalid, $"{Prefix(node.Source)}{node.Where} ({Shown(node)}) {why}");

    /// <summary>A message that names the path itself (the duration parser's, an unknown key's).</summary>
    public static SlateFastException InvalidWithPath(SettingsNode node, string message) =>
        new(ErrorKind.Invalid, $"{Prefix(node.Source)}{message}");

    public static SlateFastException Invalid(string? source, string message) =>
        new(ErrorKind.Invalid, $"{Prefix(source)}{message}");

    private static string Prefix(string? source) => source is null ? "invalid settings: " : $"invalid settings in {source}: ";

    private static string Shown(SettingsNode node) =>
        node.IsSection ? "a section" : node.Text is { } text ? $"\"{text}\"" : "null";
}
