using Microsoft.Extensions.Logging;

namespace SlateFast.Native;

/// <summary>
/// The <c>options_json</c> of <c>sf_db_open</c>: a SlateDB <c>Settings</c> document in JSON,
/// bound by the engine's settings binder (<see cref="DbSettings"/>), so SlateDB's names and
/// durations work (<c>"flush_interval": "100ms"</c>) beside SlateFast's own and the first C ABI
/// names (<c>flush_interval_ms</c>). Null or blank: the defaults.
/// </summary>
internal static class OptionsJson
{
    public static DbOptions Parse(string? json, ILoggerFactory? loggerFactory) =>
        Settings(json).ToDbOptions() with { LoggerFactory = loggerFactory };

    internal static DbSettings Settings(string? json) =>
        string.IsNullOrWhiteSpace(json) ? DbSettings.Empty : DbSettings.Parse(json, SettingsFormat.Json, "options_json");
}
