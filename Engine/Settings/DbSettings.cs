using System.Collections;
using SlateFast.Settings;

namespace SlateFast;

/// <summary>The text formats of a settings document.</summary>
public enum SettingsFormat
{
    /// <summary>JSON (comments and trailing commas allowed).</summary>
    Json,

    /// <summary>TOML.</summary>
    Toml,

    /// <summary>YAML.</summary>
    Yaml,
}

/// <summary>
/// Settings read from SlateDB-style files and environment variables, with SlateDB's names and
/// duration syntax (<c>flush_interval = "100ms"</c>, <c>[compactor_options]</c>, ...), so a
/// SlateDB settings file works unchanged; then bound onto <see cref="DbOptions"/>,
/// <see cref="DbReaderOptions"/>, <see cref="CompactorOptions"/> or
/// <see cref="GarbageCollectorOptions"/>. docs/settings.md lists every key.
/// </summary>
/// <remarks>
/// Loading only reads text; binding checks names and values: an unknown key, a value of the wrong
/// form, or a SlateDB setting whose effect SlateFast cannot give is
/// <see cref="ErrorKind.Invalid"/> naming the key's full path. Ranges are checked when the
/// database opens. Keys compare case-insensitively.
/// <code>
/// var options = DbSettings.Load("SlateDb.toml").MergedWith(DbSettings.FromEnvironment()).ToDbOptions();
/// </code>
/// </remarks>
public sealed class DbSettings
{
    /// <summary>The prefix of SlateDB's settings variables: <c>SLATEDB_</c>.</summary>
    public const string DefaultEnvironmentPrefix = "SLATEDB_";

    /// <summary>The files <see cref="LoadFromDefaultLocations"/> reads, in order (later files win), as SlateDB's <c>Settings::load</c>.</summary>
    public static IReadOnlyList<string> DefaultFileNames { get; } = ["SlateDb.json", "SlateDb.toml", "SlateDb.yaml", "SlateDb.yml"];

    private readonly SettingsNode _root;

    private DbSettings(SettingsNode root) => _root = root;

    /// <summary>No settings: binding gives the options it starts from.</summary>
    public static DbSettings Empty { get; } = new(SettingsNode.Section(string.Empty, string.Empty, null));

    /// <summary>
    /// Reads a settings file whose extension says its format (<c>.json</c>, <c>.toml</c>,
    /// <c>.yaml</c>, <c>.yml</c>), as SlateDB's <c>Settings::from_file</c>. A missing file or an
    /// unknown extension is <see cref="ErrorKind.Invalid"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    public static DbSettings Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var format = SettingsReaders.FormatOf(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SlateFastException(ErrorKind.Invalid, $"settings file {path} cannot be read: {e.Message}", e);
        }

        return Parse(text, format, path);
    }

    /// <summary>Reads a settings document.</summary>
    /// <param name="text">The document.</param>
    /// <param name="format">Its format.</param>
    /// <param name="source">What messages call it (a file name); null: none.</param>
    public static DbSettings Parse(string text, SettingsFormat format, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(SettingsReaders.Read(text, format, source));
    }

    /// <summary>
    /// Reads the process's environment variables named <paramref name="prefix"/> + a setting, as
    /// SlateDB's <c>Settings::from_env</c>: <c>SLATEDB_FLUSH_INTERVAL=1s</c>; nested keys joined
    /// by <c>.</c> as SlateDB joins them (<c>SLATEDB_OBJECT_STORE_CACHE_OPTIONS.ROOT_FOLDER</c>) or
    /// by <c>__</c>, which shells can export. Every variable with the prefix must name a setting.
    /// </summary>
    /// <param name="prefix">The prefix, matched case-insensitively.</param>
    public static DbSettings FromEnvironment(string prefix) =>
        FromEnvironment(prefix, ProcessEnvironment());

    /// <summary>The process's <c>SLATEDB_</c> variables (<see cref="FromEnvironment(string)"/> with <see cref="DefaultEnvironmentPrefix"/>).</summary>
    public static DbSettings FromEnvironment() => FromEnvironment(DefaultEnvironmentPrefix);

    /// <summary>As <see cref="FromEnvironment(string)"/>, over the given variables instead of the process's.</summary>
    /// <param name="prefix">The prefix, matched case-insensitively.</param>
    /// <param name="variables">Variable names and values.</param>
    public static DbSettings FromEnvironment(string prefix, IEnumerable<KeyValuePair<string, string>> variables)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(variables);
        return new(SettingsReaders.Environment(prefix, variables));
    }

    /// <summary>
    /// SlateDB's <c>Settings::load</c>: <see cref="DefaultFileNames"/> found in
    /// <paramref name="directory"/> (default: the current directory), each over the one before,
    /// then the <c>SLATEDB_</c> environment variables over them all.
    /// </summary>
    /// <param name="directory">Where to look for the files; null: the current directory.</param>
    public static DbSettings LoadFromDefaultLocations(string? directory = null)
    {
        var settings = Empty;
        foreach (var name in DefaultFileNames)
        {
            var path = Path.Combine(directory ?? Directory.GetCurrentDirectory(), name);
            if (File.Exists(path))
            {
                settings = settings.MergedWith(Load(path));
            }
        }

        return settings.MergedWith(FromEnvironment());
    }

    /// <summary>
    /// Settings from flattened key paths, as a .NET configuration section lists them
    /// (<c>compactor_options:max_sst_size</c>); a null value only says a section exists.
    /// </summary>
    /// <param name="pairs">Key paths and values.</param>
    /// <param name="separator">What joins a path's keys, for example <c>:</c>.</param>
    /// <param name="pathPrefix">Put before each path in messages, for example <c>SlateFast:</c>.</param>
    public static DbSettings FromKeyValuePairs(IEnumerable<KeyValuePair<string, string?>> pairs, string separator, string pathPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        return new(SettingsReaders.Pairs(pairs, separator, pathPrefix ?? string.Empty));
    }

    /// <summary>These settings with <paramref name="later"/>'s laid over them key by key: its values win, sections merge.</summary>
    /// <param name="later">The settings that take precedence.</param>
    public DbSettings MergedWith(DbSettings later)
    {
        ArgumentNullException.ThrowIfNull(later);
        return new(SettingsNode.Merge(_root, later._root));
    }

    /// <summary>These settings without the top-level keys <paramref name="keys"/> (which a host reads itself, such as <c>store_url</c>).</summary>
    /// <param name="keys">The keys to leave out.</param>
    public DbSettings Without(params string[] keys) => new(_root.Without(keys));

    /// <summary>The text of the top-level key <paramref name="key"/>; null when absent or null; Invalid when it is a section.</summary>
    /// <param name="key">The key.</param>
    public string? GetString(string key) => _root.Child(key) is { } node ? new Setting(node).TextOrNull() : null;

    /// <summary>
    /// <paramref name="start"/> (default: <c>new DbOptions()</c>, SlateDB's defaults) with every
    /// setting of a SlateDB <c>Settings</c> document applied; absent keys keep their value.
    /// </summary>
    /// <param name="start">The options to start from.</param>
    public DbOptions ToDbOptions(DbOptions? start = null) => SettingsBinder.BindDb(_root, start ?? new DbOptions());

    /// <summary>
    /// <paramref name="start"/> (default: <c>new DbReaderOptions()</c>) with every setting of a
    /// SlateDB <c>DbReaderOptions</c> document applied (<c>manifest_poll_interval</c>,
    /// <c>checkpoint_lifetime</c>, ...).
    /// </summary>
    /// <param name="start">The options to start from.</param>
    public DbReaderOptions ToReaderOptions(DbReaderOptions? start = null) => SettingsBinder.BindReader(_root, start ?? new DbReaderOptions());

    /// <summary>The <c>compactor_options</c> of a <c>Settings</c> document applied to <paramref name="start"/>.</summary>
    /// <param name="start">The options to start from.</param>
    public CompactorOptions ToCompactorOptions(CompactorOptions? start = null) =>
        ToDbOptions(new DbOptions { Compactor = start ?? new CompactorOptions() }).Compactor;

    /// <summary>The <c>garbage_collector_options</c> of a <c>Settings</c> document applied to <paramref name="start"/>; null when they turn collection off.</summary>
    /// <param name="start">The options to start from.</param>
    public GarbageCollectorOptions? ToGarbageCollectorOptions(GarbageCollectorOptions? start = null) =>
        ToDbOptions(new DbOptions { GarbageCollector = start ?? new GarbageCollectorOptions() }).GarbageCollector;

    private static IEnumerable<KeyValuePair<string, string>> ProcessEnvironment()
    {
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value)
            {
                yield return new(name, value);
            }
        }
    }
}
