using FsCheck;
using FsCheck.Fluent;
using SlateFast.Manifest;

namespace SlateFast.Tests.Manifest;

public class UlidTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Text_form_of_a_fixture_sst_id_round_trips()
    {
        var id = Ulid.Parse("01M7Y0GCP8PX5M67Y2ZYZ742N6");
        Assert.Equal("01M7Y0GCP8PX5M67Y2ZYZ742N6", id.ToString());
        Assert.Equal(id, Ulid.Parse("01m7y0gcp8px5m67y2zyz742n6"));
    }

    [Fact]
    public void Extremes_format_as_expected()
    {
        Assert.Equal("00000000000000000000000000", default(Ulid).ToString());
        Assert.Equal("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", new Ulid(ulong.MaxValue, ulong.MaxValue).ToString());
        Assert.Equal("00000000000000000000000001", new Ulid(0, 1).ToString());
        Assert.Equal("0000000000000G000000000000", new Ulid(1, 0).ToString());
    }

    [Theory]
    [InlineData("80000000000000000000000000")]
    [InlineData("0000000000000000000000000")]
    [InlineData("000000000000000000000000000")]
    [InlineData("0000000000000000000000000U")]
    [InlineData("0000000000000000000000000I")]
    public void Overflowing_short_long_or_non_alphabet_text_is_not_a_ulid(string text)
    {
        Assert.False(Ulid.TryParse(text, out _));
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => Ulid.Parse(text)).Kind);
    }

    [SeededProperty]
    public bool Text_and_binary_forms_round_trip_for_any_value(ulong high, ulong low)
    {
        var id = new Ulid(high, low);
        var bytes = new byte[16];
        id.WriteBytes(bytes);
        return Ulid.Parse(id.ToString()) == id && Ulid.FromBytes(bytes) == id;
    }

    [SeededProperty]
    public bool Text_order_matches_value_order(ulong high, ulong lowOfX, ulong lowOfY)
    {
        var x = new Ulid(high, lowOfX);
        var y = new Ulid(high, lowOfY);
        return Math.Sign(string.CompareOrdinal(x.ToString(), y.ToString())) == Math.Sign(x.CompareTo(y));
    }

    [Fact]
    public void New_ulid_takes_its_time_from_the_time_provider()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_229_758_152);
        var id = Ulid.NewUlid(new FixedTime(now), new Random(1));
        Assert.Equal(now, id.Timestamp);
        Assert.NotEqual(id, Ulid.NewUlid(new FixedTime(now), new Random(2)));
    }
}
