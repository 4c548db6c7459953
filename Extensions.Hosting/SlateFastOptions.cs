using SlateFast.ObjectStore;

namespace SlateFast.Extensions.Hosting;

/// <summary>
/// Which database <c>AddSlateFast</c> opens, where, and with which settings. Filled from the
/// configuration section first (SlateDB's setting names, see <see cref="DefaultSectionName"/>),
/// then by the code passed to <c>AddSlateFast</c>, so code has the last word.
/// </summary>
public sealed class SlateFastOptions
{
    /// <summary>The configuration section read when none is given: <c>SlateFast</c>.</summary>
    public const string DefaultSectionName = "SlateFast";

    /// <summary>The database path used when none is set: <c>slatefast</c>.</summary>
    public const string DefaultPath = "slatefast";

    /// <summary>The database's path inside its object store (configuration key <c>path</c>).</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// The object store as a URL (configuration key <c>store_url</c>): <c>file:///abs/folder</c>,
    /// <c>s3://bucket/prefix?region=...</c> or <c>memory:///name</c>, the forms
    /// <see cref="ObjectStores.FromUrl"/> takes. When neither this nor <see cref="ObjectStore"/>
    /// is set, the database lives on the local disk under the host's content root.
    /// </summary>
    public string? StoreUrl { get; set; }

    /// <summary>An object store built in code; wins over <see cref="StoreUrl"/>. Not configurable from configuration.</summary>
    public IObjectStore? ObjectStore { get; set; }

    /// <summary>
    /// A separate object store for the WAL as a URL (configuration key <c>wal_store_url</c>);
    /// see <see cref="DbOptions.WalObjectStore"/>. Ignored when the options already name one.
    /// </summary>
    public string? WalStoreUrl { get; set; }

    /// <summary>
    /// The engine settings. Records are immutable, so code changes them with
    /// <c>o.DbOptions = o.DbOptions with { FlushInterval = ... }</c>. When
    /// <see cref="DbOptions.LoggerFactory"/> is null the host's logger factory is used.
    /// </summary>
    public DbOptions DbOptions { get; set; } = new();
}
