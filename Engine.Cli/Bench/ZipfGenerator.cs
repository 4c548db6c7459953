namespace SlateFast.Cli.Bench;

/// <summary>
/// Zipf-distributed ranks in [0, n): rank r is drawn with probability proportional to
/// 1 / (r + 1)^theta. Uses the closed-form approximation of Gray et al. ("Quickly generating
/// billion-record synthetic databases", SIGMOD 1994), as YCSB does: O(n) set-up for the zeta
/// constant, O(1) per draw, exact for ranks 0 and 1.
/// </summary>
internal sealed class ZipfGenerator
{
    private readonly long _n;
    private readonly double _theta;
    private readonly double _alpha;
    private readonly double _zetaN;
    private readonly double _eta;
    private readonly double _half;

    public ZipfGenerator(long n, double theta)
    {
        if (n < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "need at least two items");
        }

        if (theta is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(theta), theta, "theta must be in (0, 1)");
        }

        _n = n;
        _theta = theta;
        _zetaN = Zeta(n, theta);
        _alpha = 1 / (1 - theta);
        _eta = (1 - Math.Pow(2.0 / n, 1 - theta)) / (1 - (Zeta(2, theta) / _zetaN));
        _half = 1 + Math.Pow(0.5, theta);
    }

    public long ItemCount => _n;

    public double Theta => _theta;

    /// <summary>The sum over r = 1..n of 1 / r^theta.</summary>
    public static double Zeta(long n, double theta)
    {
        var sum = 0.0;
        for (long i = 1; i <= n; i++)
        {
            sum += 1 / Math.Pow(i, theta);
        }

        return sum;
    }

    /// <summary>The exact probability of rank <paramref name="rank"/>.</summary>
    public double Probability(long rank) => 1 / Math.Pow(rank + 1, _theta) / _zetaN;

    /// <summary>The rank for a uniform draw <paramref name="u"/> in [0, 1).</summary>
    public long Next(double u)
    {
        var uz = u * _zetaN;
        if (uz < 1)
        {
            return 0;
        }

        if (uz < _half)
        {
            return 1;
        }

        var rank = (long)(_n * Math.Pow((_eta * u) - _eta + 1, _alpha));
        return Math.Clamp(rank, 0, _n - 1);
    }

    public long Next(Random random) => Next(random.NextDouble());
}
