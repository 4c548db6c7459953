using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using SlateFast.Manifest;

namespace SlateFast.Tests.Manifest;

public class SequenceTrackerCodecTests
{
    [Fact]
    public void Empty_tracker_is_13_bytes()
    {
        var bytes = SequenceTrackerCodec.Encode(SequenceTracker.Empty);
        Assert.Equal(Convert.FromHexString("01000000000000000000000000"), bytes);
        Assert.Empty(SequenceTrackerCodec.Decode(bytes).Samples);
    }

    [Fact]
    public void One_sample_is_the_count_then_the_value_in_64_bits_per_stream()
    {
        var tracker = new SequenceTracker([new SequenceSample(1, 1_795_229_778)]);
        var bytes = SequenceTrackerCodec.Encode(tracker);
        Assert.Equal(
            Convert.FromHexString("01" + "01000000" + "00000001" + "0000000000000001" + "00000001" + "000000006b010852"),
            bytes);
        Assert.Equal(tracker, SequenceTrackerCodec.Decode(bytes));
    }

    [Fact]
    public void Every_delta_of_delta_width_round_trips()
    {
        long[] dods = [0, 1, -1, 63, -63, 64, -64, 255, -255, 256, -2047, 2047, 2048, -2048, int.MaxValue, int.MinValue + 1];
        var samples = ImmutableArray.CreateBuilder<SequenceSample>();
        long seq = 1_000_000_000_000;
        long delta = 0;
        samples.Add(new SequenceSample((ulong)seq, 0));
        for (int i = 0; i < dods.Length; i++)
        {
            delta += dods[i];
            seq += delta;
            samples.Add(new SequenceSample((ulong)seq, i * 60));
        }

        var tracker = new SequenceTracker(samples.ToImmutable());
        Assert.Equal(tracker, SequenceTrackerCodec.Decode(SequenceTrackerCodec.Encode(tracker)));
    }

    [SeededProperty]
    public bool Realistic_trackers_round_trip(CaseSeed seed)
    {
        var tracker = ManifestSamples.Tracker(seed.NewRandom());
        return tracker.Equals(SequenceTrackerCodec.Decode(SequenceTrackerCodec.Encode(tracker)));
    }

    [Fact]
    public void Truncation_at_every_length_is_Data()
    {
        var bytes = SequenceTrackerCodec.Encode(new SequenceTracker([new SequenceSample(5, 100), new SequenceSample(900, 160), new SequenceSample(1000, 5000)]));
        for (int n = 0; n < bytes.Length; n++)
        {
            Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => SequenceTrackerCodec.Decode(bytes.AsSpan(0, n))).Kind);
        }
    }

    [Fact]
    public void Header_count_that_differs_from_the_streams_is_Data()
    {
        var bytes = SequenceTrackerCodec.Encode(new SequenceTracker([new SequenceSample(5, 100)]));
        bytes[1] = 2;
        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => SequenceTrackerCodec.Decode(bytes)).Kind);
    }

    [Fact]
    public void Huge_count_is_Data_without_allocating_for_it()
    {
        byte[] bytes = [1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0];
        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => SequenceTrackerCodec.Decode(bytes)).Kind);
    }
}
