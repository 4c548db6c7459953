using System.Text;
using SlateFast.Fuzz.Operations;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Reliability;

/// <summary>Helpers of the whole-engine fault tests: stores, a fast retry layer, and full reads.</summary>
internal static class ReliabilityKit
{
    public static string S(byte[]? b) => b is null ? "<absent>" : Encoding.UTF8.GetString(b);

    /// <summary>The engine's retry layer with enough attempts for the fault rate and no real backoff.</summary>
    public static RetryingObjectStore Retrying(IObjectStore inner, int seed, int attempts = 40) =>
        new(inner, new RetryOptions { MaxAttempts = attempts, InitialBackoff = TimeSpan.FromTicks(10), MaxBackoff = TimeSpan.FromMilliseconds(1), Seed = seed });

    public static DbOptions Options(int seed) => new()
    {
        L0SstSizeBytes = 4096,
        L0MaxSsts = 100_000,
        FlushInterval = TimeSpan.FromMilliseconds(10),
        MergeOperator = MergeOperators.Concat,
        GarbageCollector = null,
        BlockSize = 512,
        Seed = seed,
    };

    public static async Task<SortedDictionary<string, string>> ReadAllAsync(DbIterator iterator)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using (iterator)
        {
            while (await iterator.NextAsync() is { } kv)
            {
                all[S(kv.Key)] = S(kv.Value);
            }
        }

        return all;
    }

    /// <summary>Every key of <paramref name="expected"/> reads its value; nothing else is there.</summary>
    public static void AssertSame(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual, string context)
    {
        foreach (var (k, v) in expected)
        {
            Assert.True(actual.TryGetValue(k, out var got), $"{context}: acknowledged key {k} is missing");
            Assert.True(got == v, $"{context}: key {k} reads {got}, acknowledged {v}");
        }

        Assert.True(expected.Count == actual.Count, $"{context}: {actual.Count} keys instead of {expected.Count}: extra {string.Join(",", actual.Keys.Except(expected.Keys).Take(5))}");
    }

    public static ChaosStore Chaos(IObjectStore inner, int seed, double rate) => new(inner, seed) { TransientRate = rate, AfterApplyRate = 0.3 };
}
