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

/// <summary>What an ingestion added.</summary>
/// <param name="Seq">The one sequence number every ingested row carries.</param>
/// <param name="Rows">Rows ingested.</param>
/// <param name="Bytes">Bytes of the SSTs written into the database.</param>
/// <param name="SstIds">Ids of the L0 SSTs added (their object names under <c>compacted/</c>).</param>
public sealed record IngestResult(ulong Seq, long Rows, long Bytes, IReadOnlyList<string> SstIds);
