using SlateFast.Cli.Bench;

namespace SlateFast.Tests.Bench;

public sealed class BenchKeysTests
{
    private static byte[] RandomKey(long i, int size = 16)
    {
        var key = new byte[size];
        BenchKeys.Random(key, i, 42);
        return key;
    }

    [Fact]
    public void Mix64_is_a_bijection_on_a_sample_no_two_indexes_share_a_prefix()
    {
        var seen = new HashSet<ulong>();
        for (long i = 0; i < 200_000; i++)
        {
            Assert.True(seen.Add(BenchKeys.RandomPrefix(i, 42)), $"index {i} collides");
        }
    }

    [Fact]
    public void Random_keys_sort_in_the_order_of_their_prefixes()
    {
        var keys = Enumerable.Range(0, 5_000).Select(i => (Prefix: BenchKeys.RandomPrefix(i, 42), Key: RandomKey(i, 20))).ToArray();

        var byBytes = keys.OrderBy(k => k.Key, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).Select(k => k.Prefix);
        var byPrefix = keys.OrderBy(k => k.Prefix).Select(k => k.Prefix);

        Assert.Equal(byPrefix, byBytes);
    }

    [Fact]
    public void Sequential_keys_ascend_with_their_index()
    {
        byte[]? previous = null;
        for (long i = 0; i < 1_000; i += 7)
        {
            var key = new byte[16];
            BenchKeys.Sequential(key, i);
            Assert.True(previous is null || previous.AsSpan().SequenceCompareTo(key) < 0);
            previous = key;
        }
    }

    [Fact]
    public void Keys_are_a_pure_function_of_index_and_seed()
    {
        Assert.Equal(RandomKey(12345), RandomKey(12345));
        var other = new byte[16];
        BenchKeys.Random(other, 12345, 43);
        Assert.NotEqual(RandomKey(12345), other);
    }

    [Fact]
    public void Keys_shorter_than_eight_bytes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => BenchKeys.Random(new byte[7], 1, 1));
    }
}
