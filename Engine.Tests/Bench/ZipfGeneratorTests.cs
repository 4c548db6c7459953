using SlateFast.Cli.Bench;

namespace SlateFast.Tests.Bench;

public sealed class ZipfGeneratorTests
{
    [Fact]
    public void Zeta_of_two_items_is_one_plus_two_to_the_minus_theta()
    {
        Assert.Equal(1 + Math.Pow(2, -0.99), ZipfGenerator.Zeta(2, 0.99), 12);
    }

    [Fact]
    public void Ranks_stay_in_range_even_for_draws_at_the_ends_of_the_unit_interval()
    {
        var zipf = new ZipfGenerator(1000, 0.99);

        Assert.Equal(0, zipf.Next(0.0));
        Assert.InRange(zipf.Next(0.999999999), 0, 999);
        var random = new Random(11);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.InRange(zipf.Next(random), 0, 999);
        }
    }

    [Fact]
    public void The_hottest_ranks_are_drawn_about_as_often_as_their_exact_probability()
    {
        const int draws = 400_000;
        var zipf = new ZipfGenerator(100_000, 0.99);
        var random = new Random(20261121);
        var counts = new int[100_000];
        for (var i = 0; i < draws; i++)
        {
            counts[zipf.Next(random)]++;
        }

        // Ranks 0 and 1 are exact in the method; later ranks are an approximation within a few percent.
        for (var rank = 0; rank < 2; rank++)
        {
            var expected = zipf.Probability(rank) * draws;
            Assert.InRange(counts[rank], expected * 0.95, expected * 1.05);
        }

        Assert.True(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[1000], "frequencies fall with rank");
        var top10 = counts.Take(10).Sum() / (double)draws;
        var exactTop10 = Enumerable.Range(0, 10).Sum(r => zipf.Probability(r));
        Assert.InRange(top10, exactTop10 * 0.9, exactTop10 * 1.1);
    }

    [Fact]
    public void Out_of_range_parameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfGenerator(1, 0.99));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfGenerator(10, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfGenerator(10, 0));
    }
}
