using System.Collections.Immutable;

namespace SlateFast.Manifest;

/// <summary>One (sequence number, time) sample of the manifest's sequence tracker.</summary>
internal readonly record struct SequenceSample(ulong Seq, long UnixSeconds);

/// <summary>
/// The manifest's sequence tracker (RFC-0012): samples of which sequence number was current at
/// which time, for mapping times to sequence numbers. Informational for reads; a writer may
/// leave it empty.
/// </summary>
internal sealed record SequenceTracker(ImmutableArray<SequenceSample> Samples)
{
    public static SequenceTracker Empty { get; } = new(ImmutableArray<SequenceSample>.Empty);

    public bool Equals(SequenceTracker? other) => other is not null && Samples.AsSpan().SequenceEqual(other.Samples.AsSpan());

    public override int GetHashCode() => Samples.Length;
}
