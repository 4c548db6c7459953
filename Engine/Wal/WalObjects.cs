using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Wal;

/// <summary>
/// Opening WAL objects, fences included. A writer that takes over writes a fence at the next WAL
/// id so that the old writer's next WAL write fails. SlateDB 0.12/0.13 and SlateFast's 0.12 level
/// write an SST with no rows; SlateDB 0.14+ writes a zero-byte object. SlateDB reads any object
/// too short for an SST footer as a WAL without rows, and so does this.
/// </summary>
internal static class WalObjects
{
    /// <summary>Whether an object of <paramref name="size"/> bytes under <c>wal/</c> is a zero-byte-style fence.</summary>
    public static bool IsShortFence(long size) => size <= SstSections.FooterLength;

    /// <summary>The WAL object <paramref name="walId"/>, or null when it is a short fence (no rows); missing throws <see cref="ObjectNotFoundException"/>.</summary>
    public static async ValueTask<SstFile?> OpenAsync(IObjectStore store, string db, ulong walId, CancellationToken cancellationToken)
    {
        var path = DbPaths.WalSstPath(db, walId);
        var head = await store.HeadAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(path);
        if (IsShortFence(head.Size))
        {
            return null;
        }

        return await SstFile.OpenAsync(store, path, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a listed WAL object is a fence of either kind, which the collector keeps: deleting
    /// a fence would let the writer it fenced create that id again and have a write acknowledged
    /// that no one replays (SlateDB #1622). Only small objects are opened to look for rows.
    /// </summary>
    public static async ValueTask<bool> IsFenceAsync(IObjectStore store, ObjectMeta meta, CancellationToken cancellationToken)
    {
        if (IsShortFence(meta.Size))
        {
            return true;
        }

        if (meta.Size > EmptySstMaxSize)
        {
            return false;
        }

        try
        {
            var file = await SstFile.OpenAsync(store, meta.Path, cancellationToken: cancellationToken).ConfigureAwait(false);
            return file.BlockCount == 0;
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            // Unreadable: it may be a fence a writer of another kind wrote, so it is kept (a kept
            // object costs bytes; a deleted fence can cost acknowledged writes).
            return true;
        }
    }

    /// <summary>
    /// Larger than any SST without rows (footer, info, an empty index and stats come to under
    /// 200 bytes); a WAL object with rows can be smaller, which is why small ones are opened.
    /// </summary>
    private const long EmptySstMaxSize = 512;
}
