using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Compacting;

/// <summary>The compactor's state files, <c>&lt;db&gt;/compactions/&lt;20-digit id&gt;.compactions</c> (spec §4).</summary>
internal sealed class CompactionsStore(IObjectStore store, string db)
    : VersionedObjectStore<CompactionsState>(store, db, DbPaths.CompactionsDir, "compactions", "compactions file")
{
    protected override CompactionsState Decode(ReadOnlySpan<byte> file) => CompactionsCodec.Decode(file);

    protected override byte[] Encode(CompactionsState state) => CompactionsCodec.Encode(state);
}
