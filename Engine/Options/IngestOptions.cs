using SlateFast.ObjectStore;

namespace SlateFast;

/// <summary>How <see cref="DbHandle.IngestAsync"/> takes external SSTs.</summary>
public sealed record IngestOptions
{
    /// <summary>Defaults: files on the database's own store.</summary>
    public static IngestOptions Default { get; } = new();

    /// <summary>
    /// The store holding the files to ingest; null for the database's store. The files are read,
    /// never changed or deleted: ingestion writes its own copies into the database.
    /// </summary>
    public IObjectStore? SourceStore { get; init; }
}
