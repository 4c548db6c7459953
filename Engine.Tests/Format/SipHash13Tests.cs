using System.Text;
using SlateFast.Format;

namespace SlateFast.Tests.Format;

public sealed class SipHash13Tests
{
    // Values from our implementation after it rebuilt every bloom filter of the SlateDB 0.12.1
    // fixtures byte for byte (which needs SipHash-1-3 with key (0, 0) to match siphasher's exactly).
    [Theory]
    [InlineData("", 0xD1FBA762150C532CUL)]
    [InlineData("a", 0x407448D2B89B1813UL)]
    [InlineData("abcdefg", 0x6DB12AAE9070F506UL)]
    [InlineData("abcdefgh", 0x3F7B849C0B8E35EAUL)]
    [InlineData("abcdefghi", 0xF89B34A3D11EB6E5UL)]
    [InlineData("hello world!", 0x0BA7C0AEFD09FAD0UL)]
    [InlineData("0123456789abcdef", 0x1D42B30F7E060C24UL)]
    public void Hash_with_zero_key_matches_slatedb_filter_hashes(string key, ulong expected)
    {
        Assert.Equal(expected, SipHash13.Hash(Encoding.ASCII.GetBytes(key)));
    }

    [Fact]
    public void Hash_depends_on_the_key()
    {
        byte[] data = Encoding.ASCII.GetBytes("slatefast");

        Assert.Equal(SipHash13.Hash(data), SipHash13.Hash(0, 0, data));
        Assert.NotEqual(SipHash13.Hash(0, 0, data), SipHash13.Hash(1, 0, data));
        Assert.NotEqual(SipHash13.Hash(0, 0, data), SipHash13.Hash(0, 1, data));
    }

    [Fact]
    public void Trailing_zero_bytes_change_the_hash_because_the_length_is_mixed_in()
    {
        Assert.NotEqual(SipHash13.Hash([1, 2, 3]), SipHash13.Hash([1, 2, 3, 0]));
        Assert.NotEqual(SipHash13.Hash([]), SipHash13.Hash([0]));
    }
}
