using SlateFast.Manifest;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Manifest;

/// <summary>
/// The sequence tracker's lookups (SlateDB's <c>find_ts</c> / <c>find_seq</c>): an exact sample
/// answers as is; between samples round down takes the earlier and round up the later one; past
/// either end there is no answer.
/// </summary>
public sealed class SequenceTrackerLookupTests
{
    private static readonly SequenceTracker s_tracker = new([new SequenceSample(10, 1000), new SequenceSample(50, 1060), new SequenceSample(90, 1120)]);

    [Theory]
    [InlineData(50ul, false, 1060L)]
    [InlineData(50ul, true, 1060L)]
    [InlineData(60ul, false, 1060L)]
    [InlineData(60ul, true, 1120L)]
    [InlineData(9ul, true, 1000L)]
    [InlineData(91ul, false, 1120L)]
    public void Time_for_a_sequence_number_is_the_sample_at_or_beside_it(ulong seq, bool roundUp, long expected) =>
        Assert.Equal(expected, s_tracker.FindTime(seq, roundUp));

    [Theory]
    [InlineData(9ul, false)]
    [InlineData(91ul, true)]
    public void Past_either_end_there_is_no_time(ulong seq, bool roundUp) => Assert.Null(s_tracker.FindTime(seq, roundUp));

    [Theory]
    [InlineData(1060L, false, 50ul)]
    [InlineData(1061L, false, 50ul)]
    [InlineData(1061L, true, 90ul)]
    [InlineData(999L, true, 10ul)]
    public void Sequence_number_for_a_time_is_the_sample_at_or_beside_it(long seconds, bool roundUp, ulong expected) =>
        Assert.Equal(expected, s_tracker.FindSeq(seconds, roundUp));

    [Fact]
    public void An_empty_tracker_answers_nothing()
    {
        Assert.Null(SequenceTracker.Empty.FindTime(1, roundUp: true));
        Assert.Null(SequenceTracker.Empty.FindSeq(1, roundUp: false));
    }

    [SeededProperty(MaxTest = 300)]
    public bool Lookups_agree_with_a_linear_scan(CaseSeed seed)
    {
        var random = seed.NewRandom();
        var tracker = ManifestSamples.Tracker(random);
        var samples = tracker.Samples;
        for (var i = 0; i < 20; i++)
        {
            var roundUp = random.Next(2) == 0;
            var seq = samples.IsEmpty || random.Next(3) == 0 ? (ulong)random.Next(0, 2000) : samples[random.Next(samples.Length)].Seq + (ulong)random.Next(0, 2);
            var time = samples.IsEmpty || random.Next(3) == 0 ? random.NextInt64(0, 4_000_000_000) : samples[random.Next(samples.Length)].UnixSeconds - random.Next(0, 2);
            if (tracker.FindTime(seq, roundUp) != Linear(samples, s => s.Seq.CompareTo(seq), roundUp)?.UnixSeconds
                || tracker.FindSeq(time, roundUp) != Linear(samples, s => s.UnixSeconds.CompareTo(time), roundUp)?.Seq)
            {
                return false;
            }
        }

        return true;
    }

    // The first exact sample, else the last one below (down) or the first one above (up).
    private static SequenceSample? Linear(IReadOnlyList<SequenceSample> samples, Func<SequenceSample, int> compare, bool roundUp)
    {
        foreach (var s in samples)
        {
            if (compare(s) == 0)
            {
                return s;
            }
        }

        return roundUp
            ? samples.Where(s => compare(s) > 0).Cast<SequenceSample?>().FirstOrDefault()
            : samples.Where(s => compare(s) < 0).Cast<SequenceSample?>().LastOrDefault();
    }
}
