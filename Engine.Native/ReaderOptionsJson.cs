using Microsoft.Extensions.Logging;

namespace SlateFast.Native;

/// <summary>
/// The <c>options_json</c> of <c>sf_reader_open</c>: a SlateDB <c>DbReaderOptions</c> document in
/// JSON (<c>"checkpoint_lifetime": "10m"</c>) with SlateFast's own keys (<c>mode</c>,
/// <c>checkpoint_id</c>, <c>*_ms</c> aliases), bound by <see cref="DbSettings"/>. The engine
/// checks the combination when the reader opens.
/// </summary>
internal static class ReaderOptionsJson
{
    public static DbReaderOptions Parse(string? json, ILoggerFactory? loggerFactory) =>
        OptionsJson.Settings(json).ToReaderOptions() with { LoggerFactory = loggerFactory };
}
