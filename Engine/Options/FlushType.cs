namespace SlateFast;

/// <summary>What a flush of the database writes.</summary>
public enum FlushType
{
    /// <summary>Buffered WAL rows become a WAL object.</summary>
    Wal,

    /// <summary>The active memtable freezes and every frozen memtable becomes an L0 SST listed in the manifest.</summary>
    MemTable,
}
