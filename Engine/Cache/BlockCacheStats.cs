namespace SlateFast.Cache;

/// <summary>A snapshot of one budget; counters are summed over shards without a common lock, so
/// they may be a few operations apart from each other.</summary>
internal readonly record struct BudgetStats(long Count, long SizeBytes, long CapacityBytes, long Hits, long Misses, long Evictions);

/// <summary>A snapshot of both budgets of a <see cref="BlockCache"/>.</summary>
internal readonly record struct BlockCacheStats(BudgetStats Data, BudgetStats Meta);
