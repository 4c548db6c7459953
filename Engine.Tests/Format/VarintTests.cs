using SlateFast.Format;

namespace SlateFast.Tests.Format;

public sealed class VarintTests
{
    [Theory]
    [InlineData(0u, "00")]
    [InlineData(1u, "01")]
    [InlineData(127u, "7F")]
    [InlineData(128u, "8001")]
    [InlineData(300u, "AC02")]
    [InlineData(16383u, "FF7F")]
    [InlineData(16384u, "808001")]
    [InlineData(uint.MaxValue, "FFFFFFFF0F")]
    public void Varint_of_known_values_is_unsigned_leb128(uint value, string hex)
    {
        Span<byte> buffer = stackalloc byte[Varint.MaxLength];
        int written = Varint.Write(buffer, value);

        Assert.Equal(hex, Convert.ToHexString(buffer[..written]));
        Assert.Equal(written, Varint.Size(value));
        int pos = 0;
        Assert.Equal(value, Varint.Read(buffer[..written], ref pos));
        Assert.Equal(written, pos);
    }

    [SeededProperty(MaxTest = 500)]
    public void Varint_round_trips_random_values_of_every_width(CaseSeed seed)
    {
        var rng = seed.NewRandom();
        uint value = (uint)rng.NextInt64(0, 1L << 32) >> rng.Next(32);
        Span<byte> buffer = stackalloc byte[Varint.MaxLength + 3];
        int written = Varint.Write(buffer[2..], value);
        int pos = 2;
        Assert.Equal(value, Varint.Read(buffer, ref pos));
        Assert.Equal(2 + written, pos);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("FFFFFFFF")]
    public void Truncated_varint_is_a_data_error(string hex) => AssertDataError(hex);

    [Theory]
    [InlineData("FFFFFFFF10")]
    [InlineData("FFFFFFFF1F")]
    [InlineData("8080808080")]
    [InlineData("808080808001")]
    public void Varint_above_u32_or_longer_than_five_bytes_is_a_data_error(string hex) => AssertDataError(hex);

    [Fact]
    public void Writing_into_a_too_short_span_is_invalid()
    {
        var e = Assert.Throws<SlateFastException>(() => Varint.Write(new byte[2], 1u << 20));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    private static void AssertDataError(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<SlateFastException>(() =>
        {
            int pos = 0;
            Varint.Read(bytes, ref pos);
        });
        Assert.Equal(ErrorKind.Data, e.Kind);
    }
}
