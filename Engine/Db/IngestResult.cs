namespace SlateFast;

/// <summary>What an ingestion added.</summary>
/// <param name="Seq">The one sequence number every ingested row carries.</param>
/// <param name="Rows">Rows ingested.</param>
/// <param name="Bytes">Bytes of the SSTs written into the database.</param>
/// <param name="SstIds">Ids of the L0 SSTs added (their object names under <c>compacted/</c>).</param>
public sealed record IngestResult(ulong Seq, long Rows, long Bytes, IReadOnlyList<string> SstIds);
