using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Compacting;

/// <summary>The compactor's state files, <c>&lt;db&gt;/compactions/&lt;20-digit id&gt;.compactions</c> (spec §4).</summary>
internal sealed class CompactionsStore(IObjectStore store, string db)
    : VersionedObjectStore<CompactionsState>(store, db, DbPaths.CompactionsDir, DbPaths.CompactionsExtension, "compactions file")
{
    /// <summary>The format version written: 1 at the 0.12 level, 2 from 0.13 on (what SlateDB 0.13+ writes and 0.12 cannot read).</summary>
    public ushort WriteVersion { get; set; } = CompactionsCodec.V1;

    public static ushort VersionFor(FormatLevel level) => level >= FormatLevel.SlateDb013 ? CompactionsCodec.V2 : CompactionsCodec.V1;

    protected override CompactionsState Decode(ReadOnlySpan<byte> file) => CompactionsCodec.Decode(file);

    protected override byte[] Encode(CompactionsState state) => CompactionsCodec.Encode(state, WriteVersion);
}
