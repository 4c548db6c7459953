using SlateFast.Format;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Format;

public sealed class IndexKeyTests
{
    [Theory]
    [InlineData("abc", "abd", "abd")]   // first difference at index 2: f[0..=2]
    [InlineData("abc", "b", "b")]       // difference at index 0
    [InlineData("aaaa", "ab", "ab")]
    [InlineData("abc", "abc", "abc")]   // equal keys (versions straddle blocks): the whole key
    [InlineData("ab", "abcd", "abc")]   // p proper prefix of f: f[0..=len(p)]
    [InlineData("ab", "abc", "abc")]
    [InlineData("00", "0001", "0001")]
    [InlineData("0000", "00000102", "000001")]
    [InlineData("00FF", "0100", "01")]
    public void Separator_is_the_spec_prefix_of_the_next_first_key(string prevHex, string nextHex, string expectedHex)
    {
        // Latin strings are read as ASCII; "00"-style cases test binary keys.
        byte[] prev = Parse(prevHex), next = Parse(nextHex);
        Assert.Equal(Parse(expectedHex), IndexKey.ShortestSeparator(prev, next).ToArray());
    }

    [Fact]
    public void Separator_with_a_larger_differing_byte_still_takes_the_prefix_through_it()
    {
        // SlateDB does not compare, it only finds the first difference.
        Assert.Equal("b"u8.ToArray(), IndexKey.ShortestSeparator("c"u8, "b"u8).ToArray());
    }

    [SeededProperty(MaxTest = 500)]
    public void Separator_lies_above_the_previous_key_and_at_most_the_next_key(CaseSeed seed)
    {
        var rng = seed.NewRandom();
        byte[] a = RandomRows.Bytes(rng, rng.Next(1, 12)), b = RandomRows.Bytes(rng, rng.Next(1, 12));
        if (a.AsSpan().SequenceCompareTo(b) > 0)
        {
            (a, b) = (b, a);
        }

        ReadOnlySpan<byte> sep = IndexKey.ShortestSeparator(a, b);
        Assert.True(sep.SequenceCompareTo(b) <= 0);
        Assert.True(a.AsSpan().SequenceEqual(b) ? sep.SequenceEqual(b) : sep.SequenceCompareTo(a) > 0);
    }

    [Fact]
    public void Separator_of_out_of_order_or_empty_keys_is_invalid()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => IndexKey.SeparatorLength("abc"u8, "ab"u8)).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => IndexKey.SeparatorLength(""u8, "ab"u8)).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => IndexKey.SeparatorLength("a"u8, ""u8)).Kind);
    }

    private static byte[] Parse(string s) =>
        s.All(Uri.IsHexDigit) && s.Length % 2 == 0 && s.Any(char.IsDigit) ? Convert.FromHexString(s) : System.Text.Encoding.ASCII.GetBytes(s);
}
