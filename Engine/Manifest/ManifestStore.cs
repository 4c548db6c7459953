using SlateFast.ObjectStore;

namespace SlateFast.Manifest;

/// <summary>The manifest versions of one database, <c>&lt;db&gt;/manifest/&lt;20-digit id&gt;.manifest</c> (spec §10.2).</summary>
internal sealed class ManifestStore(IObjectStore store, string db)
    : VersionedObjectStore<ManifestState>(store, db, DbPaths.ManifestDir, DbPaths.ManifestExtension, "manifest")
{
    protected override ManifestState Decode(ReadOnlySpan<byte> file) => ManifestCodec.Decode(file);

    protected override byte[] Encode(ManifestState state) => ManifestCodec.Encode(state);

    // What every writer, compactor and admin change keeps: epochs, the replay point and the
    // flushed sequence number only move forward, and every tree lists its sorted runs newest
    // (highest id) first and each L0 view once.
    protected override void CheckChange(ManifestState before, ManifestState after)
    {
        if (!Diagnostics.Invariants.Enabled)
        {
            return;
        }

        Diagnostics.Invariants.Check(after.WriterEpoch >= before.WriterEpoch && after.CompactorEpoch >= before.CompactorEpoch, $"epochs never go back: writer {before.WriterEpoch} -> {after.WriterEpoch}, compactor {before.CompactorEpoch} -> {after.CompactorEpoch}");
        Diagnostics.Invariants.Check(after.ReplayAfterWalId >= before.ReplayAfterWalId, $"the replay point never goes back: {before.ReplayAfterWalId} -> {after.ReplayAfterWalId}");
        Diagnostics.Invariants.Check(after.LastL0Seq >= before.LastL0Seq, $"the flushed sequence number never goes back: {before.LastL0Seq} -> {after.LastL0Seq}");
        CheckTree(after.L0, after.Compacted, "the root tree");
        foreach (var segment in after.Segments)
        {
            CheckTree(segment.L0, segment.Compacted, $"segment {Convert.ToHexString(segment.Prefix.Span)}");
        }
    }

    private static void CheckTree(System.Collections.Immutable.ImmutableArray<SstView> l0, System.Collections.Immutable.ImmutableArray<SortedRun> runs, string tree)
    {
        Diagnostics.Invariants.Check(l0.Select(v => v.Id).Distinct().Count() == l0.Length, $"{tree} lists each L0 view once");
        for (var i = 1; i < runs.Length; i++)
        {
            Diagnostics.Invariants.Check(runs[i - 1].Id > runs[i].Id, $"{tree} lists its sorted runs by descending id: {runs[i - 1].Id} before {runs[i].Id}");
        }
    }
}
