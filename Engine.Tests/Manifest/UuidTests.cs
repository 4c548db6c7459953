using FsCheck;
using FsCheck.Fluent;
using SlateFast.Manifest;

namespace SlateFast.Tests.Manifest;

public class UuidTests
{
    [Fact]
    public void High_is_the_first_eight_bytes_big_endian()
    {
        var id = Uuid.Parse("6ba965a2-30c6-4d95-8f30-83208a91d2b4");
        Assert.Equal(0x6ba965a230c64d95UL, id.High);
        Assert.Equal(0x8f3083208a91d2b4UL, id.Low);
        Assert.Equal("6ba965a2-30c6-4d95-8f30-83208a91d2b4", id.ToString());
        Assert.Equal(id, Uuid.Parse("6BA965A230C64D958F3083208A91D2B4"));
    }

    [Theory]
    [InlineData("6ba965a2-30c6-4d95-8f30-83208a91d2b")]
    [InlineData("6ba965a2030c6-4d95-8f30-83208a91d2b4")]
    [InlineData("6ba965a2-30c6-4d95-8f30-83208a91d2bg")]
    [InlineData("")]
    public void Malformed_text_is_not_a_uuid(string text) => Assert.False(Uuid.TryParse(text, out _));

    [Fact]
    public void Random_v4_uuids_carry_version_and_variant_bits()
    {
        var r = new Random(5);
        for (int i = 0; i < 100; i++)
        {
            var s = Uuid.NewV4(r).ToString();
            Assert.Equal('4', s[14]);
            Assert.Contains(s[19], "89ab");
        }
    }

    [SeededProperty]
    public bool Text_and_bytes_round_trip_for_any_value(ulong high, ulong low)
    {
        var id = new Uuid(high, low);
        var bytes = new byte[16];
        id.WriteBytes(bytes);
        return Uuid.Parse(id.ToString()) == id && Uuid.FromBytes(bytes) == id && new Guid(bytes, bigEndian: true).ToString() == id.ToString();
    }
}
