using Microsoft.Extensions.Configuration;

namespace SlateFast.Extensions.Hosting;

/// <summary>
/// Reads a configuration section into <see cref="SlateFastOptions"/> through the engine's settings
/// binder (<see cref="DbSettings"/>): SlateDB's setting names and durations, SlateFast's extra
/// names, and an unknown key or a bad value as <see cref="ErrorKind.Invalid"/> naming its full
/// configuration path. Only the host's own keys (<c>path</c>, <c>store_url</c>,
/// <c>wal_store_url</c>) are read here.
/// </summary>
/// <remarks>
/// Not ConfigurationBinder: it knows neither snake_case nor "100ms", and it skips keys it does not
/// know, so a misspelt setting would be silently ignored.
/// </remarks>
internal static class SlateFastConfiguration
{
    private static readonly string[] s_hostKeys = ["path", "store_url", "wal_store_url"];

    /// <summary>Applies every key under <paramref name="section"/> to <paramref name="options"/>; absent keys keep their value.</summary>
    public static void Apply(IConfiguration section, SlateFastOptions options)
    {
        var prefix = section is IConfigurationSection named ? named.Path + ConfigurationPath.KeyDelimiter : string.Empty;
        var settings = DbSettings.FromKeyValuePairs(section.AsEnumerable(makePathsRelative: true), ConfigurationPath.KeyDelimiter, prefix);
        options.Path = settings.GetString("path") ?? options.Path;
        options.StoreUrl = settings.GetString("store_url") ?? options.StoreUrl;
        options.WalStoreUrl = settings.GetString("wal_store_url") ?? options.WalStoreUrl;
        options.DbOptions = settings.Without(s_hostKeys).ToDbOptions(options.DbOptions);
    }
}
