namespace SlateFast.Cache;

/// <summary>What a cached block holds; decides its budget and its hit/miss counters.</summary>
internal enum BlockKind
{
    /// <summary>A decompressed data block (data budget).</summary>
    Data = 0,

    /// <summary>An SST index (metadata budget).</summary>
    Index = 1,

    /// <summary>An SST bloom filter (metadata budget).</summary>
    Filter = 2,

    /// <summary>An SST stats section (metadata budget).</summary>
    Stats = 3,
}
