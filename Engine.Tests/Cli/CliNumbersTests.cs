using SlateFast.Cli;

namespace SlateFast.Tests.Cli;

public sealed class CliNumbersTests
{
    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Digits_are_a_number(string text, ulong expected)
    {
        Assert.Equal(expected, CliNumbers.U64(text, "--from", "a whole number"));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1,000")]
    [InlineData("0x10")]
    [InlineData("18446744073709551616")]
    [InlineData("")]
    public void Anything_but_digits_is_a_usage_error_naming_the_argument(string text)
    {
        var e = Assert.Throws<UsageException>(() => CliNumbers.U64(text, "--from", "a whole number"));

        Assert.Equal($"--from must be a whole number, got '{text}'", e.Message);
    }

    [Fact]
    public void A_number_outside_the_range_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => CliNumbers.U64("0", "--to", "a manifest id (1 or more)", min: 1));
        Assert.Throws<UsageException>(() => CliNumbers.I64("1023", "--max-sst-size", "a number of bytes >= 1024", min: 1024));
        Assert.Throws<UsageException>(() => CliNumbers.I64("11", "--skip", "a number of lines from 0 to 10", max: 10));
        Assert.Equal(10L, CliNumbers.I64("10", "--skip", "a number of lines from 0 to 10", max: 10));
    }
}
