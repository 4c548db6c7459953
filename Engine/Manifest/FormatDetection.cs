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

    /// <summary>Everything <see cref="FormatReport"/> shows, from a listing of each folder and the newest versions.</summary>
    public static async Task<FormatReport> InspectAsync(IObjectStore store, string db, CancellationToken cancellationToken)
    {
        var manifests = new ManifestStore(store, db);
        var (id, manifest) = await manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {db} in {store}");
        var manifestFile = await store.GetAsync(manifests.PathOf(id), cancellationToken).ConfigureAwait(false);
        int manifestVersion = manifestFile is { } mf && mf.Data.Length >= 2 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(mf.Data.Span) : 0;

        var walSizes = (await store.ListAllAsync(DbPaths.DirPrefix(db, DbPaths.WalDir), cancellationToken).ConfigureAwait(false))
            .Where(m => DbPaths.TryParseWalSstName(m.Path, out _))
            .Select(m => m.Size)
            .ToList();

        var compactions = new CompactionsStore(store, db);
        var compactionsId = await compactions.LatestIdAsync(cancellationToken).ConfigureAwait(false);
        int? compactionsFormat = null;
        if (compactionsId > 0 && await store.GetAsync(compactions.PathOf(compactionsId), cancellationToken).ConfigureAwait(false) is { } cf && cf.Data.Length >= 2)
        {
            compactionsFormat = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(cf.Data.Span);
        }

        var views = manifest.AllViews().DistinctBy(v => v.Sst.Id).ToList();
        var level = Of(manifest, walSizes);
        if (compactionsFormat >= 2 && level < FormatLevel.SlateDb013)
        {
            level = FormatLevel.SlateDb013;
        }

        return new FormatReport(
            level,
            id,
            manifestVersion,
            manifest.WriterEpoch,
            manifest.CompactorEpoch,
            compactionsId == 0 ? null : compactionsId,
            compactionsFormat,
            await manifests.Boundary.ReadAsync(cancellationToken).ConfigureAwait(false),
            await compactions.Boundary.ReadAsync(cancellationToken).ConfigureAwait(false),
            walSizes.Count,
            walSizes.Count(Wal.WalObjects.IsShortFence),
            views.Count,
            views.Count(v => v.Sst.Info.FilterFormat == FilterFormat.Composite),
            manifest.Segments.Length,
            manifest.SegmentExtractorName,
            manifest.IsSegmented
                ? $"segmented by extractor '{manifest.SegmentExtractorName}': SlateFast has no segment extractors, so it reads this database but neither writes nor compacts it"
                : null);
    }

    /// <summary>The level to write at: the option when set, else what the store shows.</summary>
    public static FormatLevel Choose(FormatLevel option, FormatLevel detected) => option == FormatLevel.Detect ? detected : option;
}
