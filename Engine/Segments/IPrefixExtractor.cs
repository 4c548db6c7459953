namespace SlateFast;

/// <summary>What a <see cref="IPrefixExtractor"/> is asked about.</summary>
public enum PrefixTarget
{
    /// <summary>A whole key: one being written, flushed or looked up.</summary>
    Point,

    /// <summary>The prefix of a prefix scan: every key it matches starts with these bytes.</summary>
    Prefix,
}

/// <summary>
/// Picks the leading bytes of a key that group it with its neighbours, as SlateDB 0.13's
/// <c>PrefixExtractor</c> does. Two features use one: prefix bloom filters
/// (<see cref="DbOptions.FilterPrefixExtractor"/>), which let a prefix scan skip SSTs holding
/// no key with its prefix, and segments (<see cref="DbOptions.SegmentExtractor"/>), which give
/// every prefix an LSM tree of its own that compacts and drops on its own.
/// </summary>
/// <remarks>
/// <para>
/// The contract is SlateDB's. <see cref="PrefixLength"/> must be a pure function of its input. If
/// it gives <c>n</c> for a <see cref="PrefixTarget.Point"/> key, it must give <c>n</c> for every key
/// that shares those first <c>n</c> bytes. For a <see cref="PrefixTarget.Prefix"/> it may give
/// <c>n</c> only when every key starting with those bytes would give <c>n</c> as a point, and must
/// otherwise give -1 (a filter then cannot help that scan, which reads every SST).
/// </para>
/// <para>
/// <see cref="Name"/> is stored: in the names of the filters an SST holds, and in the manifest of
/// a segmented database. A different extraction needs a different name. A database opened with
/// an extractor of another name refuses to open (segments) or ignores the filters (prefix filters);
/// it never reads them wrong.
/// </para>
/// </remarks>
public interface IPrefixExtractor
{
    /// <summary>The name stored with what this extractor built; SlateDB's extractor of the same logic must use the same name.</summary>
    string Name { get; }

    /// <summary>The length of the prefix of <paramref name="bytes"/>, 0..<c>bytes.Length</c>, or -1 when it has none.</summary>
    int PrefixLength(ReadOnlySpan<byte> bytes, PrefixTarget target);
}
