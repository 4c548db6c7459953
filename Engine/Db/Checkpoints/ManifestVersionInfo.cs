namespace SlateFast;

/// <summary>One manifest version as <see cref="DbAdmin.ListManifestsAsync"/> finds it.</summary>
/// <param name="Id">The version's id.</param>
/// <param name="SizeBytes">The object's size.</param>
/// <param name="Decodes">Whether it decodes; the fields below are null when it does not.</param>
/// <param name="Error">Why it does not decode.</param>
public sealed record ManifestVersionInfo(ulong Id, long SizeBytes, bool Decodes, string? Error)
{
    /// <summary>When the store last wrote the object (as the store reports it; null where it reports none).</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>The writer epoch it records.</summary>
    public ulong? WriterEpoch { get; init; }

    /// <summary>The compactor epoch it records.</summary>
    public ulong? CompactorEpoch { get; init; }

    /// <summary>The WAL id after which an open replays.</summary>
    public ulong? ReplayAfterWalId { get; init; }

    /// <summary>The highest sequence number in its L0 SSTs and sorted runs.</summary>
    public ulong? LastL0Seq { get; init; }

    /// <summary>How many L0 SSTs it lists.</summary>
    public int? L0Ssts { get; init; }

    /// <summary>How many sorted runs it lists.</summary>
    public int? SortedRuns { get; init; }

    /// <summary>How many checkpoints it lists.</summary>
    public int? Checkpoints { get; init; }
}
