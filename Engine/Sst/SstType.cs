namespace SlateFast.Sst;

/// <summary>What an SST holds: compacted data (L0 or sorted runs) or a WAL segment.</summary>
internal enum SstType : byte
{
    Compacted = 0,
    Wal = 1,
}
