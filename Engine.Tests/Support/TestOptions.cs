namespace SlateFast.Tests.Support;

/// <summary>
/// The database options tests start from, named for what the test needs to hold still. A test
/// that needs more adds it with <c>with { ... }</c>, so what it changes stands out.
/// </summary>
public static class TestOptions
{
    /// <summary>
    /// The tree stays as the test builds it: no in-process compactor, L0 may hold 100 SSTs before
    /// writes wait, and 4 KiB L0 SSTs, so a few hundred rows make several L0s. For tests of
    /// compactors run on their own, administration, and readers of a known tree.
    /// </summary>
    public static DbOptions ManualTree { get; } = new() { L0SstSizeBytes = 4096, Compactor = new CompactorOptions { Enabled = false }, L0MaxSsts = 100 };

    /// <summary>
    /// Objects stay as written (no garbage collection) and a write waits at most
    /// <paramref name="flushMilliseconds"/> for its WAL object, so tests that read the store or the
    /// database's status do not wait on the default 100 ms flush interval.
    /// </summary>
    public static DbOptions NoCollector(int flushMilliseconds = 10) => new() { GarbageCollector = null, FlushInterval = TimeSpan.FromMilliseconds(flushMilliseconds) };
}
