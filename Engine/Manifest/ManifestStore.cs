using SlateFast.ObjectStore;

namespace SlateFast.Manifest;

/// <summary>The manifest versions of one database, <c>&lt;db&gt;/manifest/&lt;20-digit id&gt;.manifest</c> (spec §10.2).</summary>
internal sealed class ManifestStore(IObjectStore store, string db)
    : VersionedObjectStore<ManifestState>(store, db, DbPaths.ManifestDir, "manifest", "manifest")
{
    protected override ManifestState Decode(ReadOnlySpan<byte> file) => ManifestCodec.Decode(file);

    protected override byte[] Encode(ManifestState state) => ManifestCodec.Encode(state);
}
