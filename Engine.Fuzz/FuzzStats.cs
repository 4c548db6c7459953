using System.Globalization;

namespace SlateFast.Fuzz;

/// <summary>What one target's run did: the figures the docs and the CI log report.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Seed">The random seed of this target's run.</param>
/// <param name="Seeds">Seed inputs it started from (built in plus <c>--corpus</c>).</param>
/// <param name="Runs">Inputs executed, seeds included.</param>
/// <param name="Accepted">Inputs the decoder accepted (returned normally).</param>
/// <param name="Rejected">Inputs rejected with <see cref="ErrorKind.Data"/>.</param>
/// <param name="Corpus">Corpus size at the end (seeds plus accepted inputs kept as parents).</param>
/// <param name="Findings">Distinct findings written.</param>
/// <param name="Elapsed">Wall time spent.</param>
internal sealed record FuzzStats(string Target, int Seed, int Seeds, long Runs, long Accepted, long Rejected, int Corpus, int Findings, TimeSpan Elapsed)
{
    public override string ToString()
    {
        double seconds = Math.Max(Elapsed.TotalSeconds, 1e-9);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Target}: {Runs} runs in {seconds:F1} s ({Runs / seconds:F0}/s) from {Seeds} seeds, accepted {Accepted}, " +
            $"rejected as data errors {Rejected}, corpus {Corpus}, findings {Findings} (seed {Seed})");
    }
}
