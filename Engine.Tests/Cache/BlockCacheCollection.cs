namespace SlateFast.Tests.Cache;

/// <summary>
/// Tests that read process-wide state (the shared meter's counters, this thread's allocation
/// count) run alone, so no other test adds to what they measure.
/// </summary>
[CollectionDefinition(nameof(BlockCacheCollection), DisableParallelization = true)]
public sealed class BlockCacheCollection;
