using System.Collections.Immutable;

namespace SlateFast.Manifest;

/// <summary>One (sequence number, time) sample of the manifest's sequence tracker.</summary>
internal readonly record struct SequenceSample(ulong Seq, long UnixSeconds);

/// <summary>
/// The manifest's sequence tracker (RFC-0012): samples of which sequence number was current at
/// which time, for mapping times to sequence numbers. Informational for reads; a writer may
/// leave it empty.
/// </summary>
/// <remarks>
/// SlateDB keeps both columns sorted (a sample is taken at most once a minute, never going back),
/// so the lookups are binary searches. An exact hit answers as is; otherwise rounding down takes
/// the sample before the gap and rounding up the one after, and there is no answer past either
/// end. Where several samples hold exactly the value looked up, the first is taken, so the answer
/// does not depend on how a search happens to split (SlateDB's may return any of them).
/// </remarks>
internal sealed record SequenceTracker(ImmutableArray<SequenceSample> Samples)
{
    public static SequenceTracker Empty { get; } = new(ImmutableArray<SequenceSample>.Empty);

    /// <summary>The least time between two samples, as SlateDB's tracker keeps it.</summary>
    public const long IntervalSeconds = 60;

    /// <summary>The most samples kept; beyond it every other one goes, as SlateDB downsamples.</summary>
    public const int Capacity = 8192;

    /// <summary>
    /// This tracker with <paramref name="samples"/> appended as SlateDB merges a flushed
    /// memtable's samples: each a minute or more after the previous one appended, never going
    /// back in sequence number or time (such a sample is skipped, where SlateDB would assert), and
    /// halved by taking every other sample whenever it outgrows <see cref="Capacity"/>.
    /// </summary>
    public SequenceTracker Extend(IReadOnlyList<SequenceSample> samples)
    {
        if (samples.Count == 0)
        {
            return this;
        }

        var merged = Samples.ToBuilder();
        long? lastAppended = null;
        var changed = false;
        foreach (var sample in samples)
        {
            if ((lastAppended is { } t && sample.UnixSeconds - t < IntervalSeconds)
                || (merged.Count > 0 && (sample.Seq < merged[^1].Seq || sample.UnixSeconds < merged[^1].UnixSeconds)))
            {
                continue;
            }

            merged.Add(sample);
            lastAppended = sample.UnixSeconds;
            changed = true;
            if (merged.Count > Capacity)
            {
                var halved = ImmutableArray.CreateBuilder<SequenceSample>((merged.Count + 1) / 2);
                for (var i = 0; i < merged.Count; i += 2)
                {
                    halved.Add(merged[i]);
                }

                merged = halved;
            }
        }

        return changed ? new SequenceTracker(merged.ToImmutable()) : this;
    }

    /// <summary>The time, in Unix seconds, of the sample for <paramref name="seq"/>; null when the tracker has none on that side.</summary>
    public long? FindTime(ulong seq, bool roundUp) =>
        Find(seq, static s => s.Seq, roundUp) is { } i ? Samples[i].UnixSeconds : null;

    /// <summary>The sequence number of the sample for <paramref name="unixSeconds"/>; null when the tracker has none on that side.</summary>
    public ulong? FindSeq(long unixSeconds, bool roundUp) =>
        Find(unixSeconds, static s => s.UnixSeconds, roundUp) is { } i ? Samples[i].Seq : null;

    private int? Find<T>(T value, Func<SequenceSample, T> column, bool roundUp)
        where T : IComparable<T>
    {
        // The first sample whose column is at least value.
        int lo = 0, hi = Samples.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (column(Samples[mid]).CompareTo(value) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        if (lo < Samples.Length && column(Samples[lo]).CompareTo(value) == 0)
        {
            return lo;
        }

        return roundUp ? (lo < Samples.Length ? lo : null) : (lo > 0 ? lo - 1 : null);
    }

    public bool Equals(SequenceTracker? other) => other is not null && Samples.AsSpan().SequenceEqual(other.Samples.AsSpan());

    public override int GetHashCode() => Samples.Length;
}
