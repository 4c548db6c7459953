using System.Globalization;
using System.Text.Json;
using Tomlyn;
using Tomlyn.Parsing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SlateFast.Settings;

/// <summary>
/// Reads each source into the neutral tree (<see cref="SettingsNode"/>). Only the libraries'
/// document models and event readers are used, never a reflection serializer, so NativeAOT
/// builds stay free of trimming warnings. Malformed text is Invalid naming the source.
/// </summary>
internal static class SettingsReaders
{
    public static SettingsNode Read(string text, SettingsFormat format, string? source) => format switch
    {
        SettingsFormat.Json => Json(text, source),
        SettingsFormat.Toml => Toml(text, source),
        SettingsFormat.Yaml => Yaml(text, source),
        _ => throw new SlateFastException(ErrorKind.Invalid, $"unknown settings format {format}"),
    };

    /// <summary>The format a file's extension names, as SlateDB's <c>Settings::from_file</c> chooses it.</summary>
    public static SettingsFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => SettingsFormat.Json,
        ".toml" => SettingsFormat.Toml,
        ".yaml" or ".yml" => SettingsFormat.Yaml,
        _ => throw new SlateFastException(ErrorKind.Invalid, $"settings file {path}: the extension must be .json, .toml, .yaml or .yml to say its format"),
    };

    private static string Join(string where, string name) => where.Length == 0 ? name : $"{where}.{name}";

    private static SettingsNode Root(string? source) => SettingsNode.Section(string.Empty, string.Empty, source);

    private static SettingsNode Json(string text, string? source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw SettingsErrors.Invalid(source, $"not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw SettingsErrors.Invalid(source, $"the settings must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            }

            var root = Root(source);
            AddJsonMembers(root, document.RootElement, source);
            return root;
        }
    }

    private static void AddJsonMembers(SettingsNode section, JsonElement element, string? source)
    {
        foreach (var property in element.EnumerateObject())
        {
            var where = Join(section.Where, property.Name);
            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    AddJsonMembers(section.Add(SettingsNode.Section(property.Name, where, source)), value, source);
                    break;
                case JsonValueKind.Null:
                    section.Add(SettingsNode.Null(property.Name, where, source));
                    break;
                case JsonValueKind.String:
                    section.Add(SettingsNode.Scalar(property.Name, where, source, value.GetString()!));
                    break;
                case JsonValueKind.Array:
                    // No setting is a list; say so here rather than as a type error later.
                    throw SettingsErrors.Invalid(source, $"{where} is a list; no SlateFast setting takes one");
                default:
                    section.Add(SettingsNode.Scalar(property.Name, where, source, value.GetRawText()));
                    break;
            }
        }
    }

    private static SettingsNode Toml(string text, string? source)
    {
        var root = Root(source);
        try
        {
            // Tomlyn's event reader resolves [a.b] headers and dotted keys into nested tables.
            var parser = TomlParser.Create(text, new TomlParserOptions { Mode = TomlParserMode.Strict });
            var sections = new Stack<SettingsNode>();
            string? name = null;
            while (parser.MoveNext())
            {
                var e = parser.Current;
                switch (e.Kind)
                {
                    case TomlParseEventKind.StartTable:
                        sections.Push(sections.Count == 0 ? root : sections.Peek().Add(SettingsNode.Section(name!, Join(sections.Peek().Where, name!), source)));
                        break;
                    case TomlParseEventKind.EndTable:
                        sections.Pop();
                        break;
                    case TomlParseEventKind.PropertyName:
                        name = parser.GetPropertyName();
                        break;
                    case TomlParseEventKind.StartArray:
                        throw SettingsErrors.Invalid(source, $"{Join(sections.Peek().Where, name!)} is a list; no SlateFast setting takes one");
                    case TomlParseEventKind.String:
                        AddScalar(parser.GetString());
                        break;
                    case TomlParseEventKind.Integer:
                        AddScalar(e.GetInt64().ToString(CultureInfo.InvariantCulture));
                        break;
                    case TomlParseEventKind.Float:
                        AddScalar(e.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case TomlParseEventKind.Boolean:
                        AddScalar(e.GetBoolean() ? "true" : "false");
                        break;
                    case TomlParseEventKind.DateTime:
                        AddScalar(e.GetTomlDateTime().ToString());
                        break;
                }
            }

            void AddScalar(string value) => sections.Peek().Add(SettingsNode.Scalar(name!, Join(sections.Peek().Where, name!), source, value));
        }
        catch (TomlException e)
        {
            throw SettingsErrors.Invalid(source, $"not valid TOML: {e.Message}");
        }

        return root;
    }

    private static SettingsNode Yaml(string text, string? source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw SettingsErrors.Invalid(source, $"not valid YAML: {e.Message}");
        }

        var root = Root(source);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return root; // an empty file: no settings
        }

        if (stream.Documents.Count > 1 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw SettingsErrors.Invalid(source, "the settings must be one YAML mapping of keys to values");
        }

        AddYamlMembers(root, mapping, source);
        return root;
    }

    private static void AddYamlMembers(SettingsNode section, YamlMappingNode mapping, string? source)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = keyNode is YamlScalarNode { Value: { } key } ? key : throw SettingsErrors.Invalid(source, $"{section.Where}: a key must be plain text");
            var where = Join(section.Where, name);
            switch (value)
            {
                case YamlMappingNode child:
                    AddYamlMembers(section.Add(SettingsNode.Section(name, where, source)), child, source);
                    break;
                case YamlScalarNode scalar when IsYamlNull(scalar):
                    section.Add(SettingsNode.Null(name, where, source));
                    break;
                case YamlScalarNode scalar:
                    section.Add(SettingsNode.Scalar(name, where, source, scalar.Value!));
                    break;
                default:
                    throw SettingsErrors.Invalid(source, $"{where} is a list; no SlateFast setting takes one");
            }
        }
    }

    // YAML 1.2's core schema: an unquoted null, ~ or nothing is null; quoted text never is.
    private static bool IsYamlNull(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>
    /// Variables named <paramref name="prefix"/> + a key (the prefix matched case-insensitively, as
    /// SlateDB's figment does), nested by <c>.</c> as SlateDB nests them
    /// (<c>SLATEDB_OBJECT_STORE_CACHE_OPTIONS.ROOT_FOLDER</c>) or by <c>__</c>, which shells can
    /// export. Each variable's own name is the path its errors name.
    /// </summary>
    public static SettingsNode Environment(string prefix, IEnumerable<KeyValuePair<string, string>> variables)
    {
        var root = Root("environment");
        foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || name.Length == prefix.Length)
            {
                continue;
            }

            var keys = name[prefix.Length..].Replace("__", ".", StringComparison.Ordinal).Split('.');
            var section = root;
            for (var i = 0; i < keys.Length - 1; i++)
            {
                section = section.SectionChild(keys[i], name, null);
            }

            section.Add(SettingsNode.Scalar(keys[^1], name, null, value));
        }

        return root;
    }

    /// <summary>
    /// Flattened pairs (a .NET configuration section's <c>AsEnumerable</c>): keys are paths joined
    /// by <paramref name="separator"/>; a null value only says a section exists. Errors name
    /// <paramref name="pathPrefix"/> + the key.
    /// </summary>
    public static SettingsNode Pairs(IEnumerable<KeyValuePair<string, string?>> pairs, string separator, string pathPrefix)
    {
        var root = Root(null);
        foreach (var (path, value) in pairs.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (path.Length == 0)
            {
                continue;
            }

            var keys = path.Split(separator);
            var section = root;
            for (var i = 0; i < keys.Length - 1; i++)
            {
                section = section.SectionChild(keys[i], pathPrefix + string.Join(separator, keys[..(i + 1)]), null);
            }

            if (value is null)
            {
                section.SectionChild(keys[^1], pathPrefix + path, null);
            }
            else if (section.Child(keys[^1]) is { IsSection: true } existing)
            {
                throw SettingsErrors.Invalid(SettingsNode.Scalar(keys[^1], pathPrefix + path, null, value), "is both a value and a section of settings");
            }
            else
            {
                section.Add(SettingsNode.Scalar(keys[^1], pathPrefix + path, null, value));
            }
        }

        return root;
    }
}
