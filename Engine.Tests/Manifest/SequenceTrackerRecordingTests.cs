using System.Collections.Immutable;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Manifest;

/// <summary>
/// A SlateFast writer keeps the manifest's sequence tracker as SlateDB's does: each memtable
/// samples its commits at most once a minute, and its L0 flush merges the samples into the
/// manifest, so sequence number and time lookups answer for databases SlateFast wrote.
/// </summary>
public sealed class SequenceTrackerRecordingTests
{
    [Fact]
    public void A_memtable_samples_its_first_commit_and_then_at_most_one_commit_a_minute()
    {
        var memtable = new SlateFast.Memtables.Memtable(1 << 16);
        try
        {
            memtable.TrackSequence(1, 1_000_000);
            memtable.TrackSequence(2, 1_030_000);
            memtable.TrackSequence(3, 1_060_000);
            memtable.TrackSequence(4, 1_119_999);
            memtable.TrackSequence(5, 1_120_000);
            Assert.Equal([new SequenceSample(1, 1000), new SequenceSample(3, 1060), new SequenceSample(5, 1120)], memtable.SequenceSamples);
        }
        finally
        {
            memtable.Release();
        }
    }

    [Fact]
    public void Merging_keeps_a_minute_between_samples_skips_ones_going_back_and_halves_past_capacity()
    {
        var tracker = new SequenceTracker([new SequenceSample(10, 100)]);
        var merged = tracker.Extend([new SequenceSample(9, 200), new SequenceSample(11, 210), new SequenceSample(12, 230), new SequenceSample(13, 300)]);
        Assert.Equal([new SequenceSample(10, 100), new SequenceSample(11, 210), new SequenceSample(13, 300)], merged.Samples.ToArray());
        Assert.Same(tracker, tracker.Extend([]));

        var full = new SequenceTracker([.. Enumerable.Range(0, SequenceTracker.Capacity).Select(i => new SequenceSample((ulong)i, i * 60L))]);
        var halved = full.Extend([new SequenceSample(SequenceTracker.Capacity, SequenceTracker.Capacity * 60L)]);
        Assert.Equal((SequenceTracker.Capacity / 2) + 1, halved.Samples.Length);
        Assert.Equal(new SequenceSample(0, 0), halved.Samples[0]);
        Assert.Equal(new SequenceSample(2, 120), halved.Samples[1]);
    }

    [Fact]
    public async Task After_an_L0_flush_the_admin_maps_the_first_commit_to_its_time_and_back()
    {
        var store = new InMemoryObjectStore();
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        ulong seq;
        await using (var db = await DbHandle.OpenAsync("db", store, new DbOptions { GarbageCollector = null }))
        {
            seq = (await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray())).Seq;
            await db.PutAsync("k2"u8.ToArray(), "v"u8.ToArray());
            await db.FlushAsync(FlushType.MemTable);
        }

        var admin = new DbAdmin("db", store);
        var time = await admin.GetTimestampForSequenceAsync(seq);
        Assert.NotNull(time);
        Assert.InRange(time.Value, before, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Equal(seq, await admin.GetSequenceForTimestampAsync(time.Value));
    }
}
