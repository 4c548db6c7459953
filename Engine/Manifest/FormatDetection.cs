using SlateFast.Compacting;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Manifest;

/// <summary>
/// The format level a database's objects show (RFC 0014): 0.13 when an SST declares a composite
/// filter block, the manifest has segments or the compactions file is format 2; 0.14 when a WAL
/// object is a zero-byte fence. Boundary files are no sign: SlateFast's own collector writes them
/// at every level.
/// </summary>
internal static class FormatDetection
{
    /// <summary>The level of <paramref name="manifest"/> and the listed WAL object sizes alone.</summary>
    public static FormatLevel Of(ManifestState manifest, IEnumerable<long> walObjectSizes)
    {
        var level = FormatLevel.SlateDb012;
        if (!manifest.Segments.IsEmpty || manifest.SegmentExtractorName is not null
            || manifest.AllViews().Any(v => v.Sst.Info.FilterFormat == FilterFormat.Composite))
        {
            level = FormatLevel.SlateDb013;
        }

        return walObjectSizes.Any(Wal.WalObjects.IsShortFence) ? FormatLevel.SlateDb014 : level;
    }

    /// <summary>Also reads the newest compactions file's format version (two requests).</summary>
    public static async Task<FormatLevel> DetectAsync(IObjectStore store, string db, ManifestState manifest, IEnumerable<long> walObjectSizes, CancellationToken cancellationToken)
    {
        var level = Of(manifest, walObjectSizes);
        if (level >= FormatLevel.SlateDb013)
        {
            return level;
        }

        var compactions = new CompactionsStore(store, db);
        var latest = await compactions.LatestIdAsync(cancellationToken).ConfigureAwait(false);
        if (latest > 0 && await store.GetAsync(compactions.PathOf(latest), cancellationToken).ConfigureAwait(false) is { } data
            && data.Data.Length >= 2 && System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(data.Data.Span) >= 2)
        {
            return FormatLevel.SlateDb013;
        }

        return level;
    }

    /// <summary>The level to write at: the option when set, else what the store shows.</summary>
    public static FormatLevel Choose(FormatLevel option, FormatLevel detected) => option == FormatLevel.Detect ? detected : option;
}
