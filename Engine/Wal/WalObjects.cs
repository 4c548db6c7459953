using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Blocks;

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

    /// <summary>
    /// Whether a WAL object of <paramref name="size"/> bytes reads as a fence. Only zero bytes
    /// does: SlateDB 0.14+ writes zero-byte fences and everything else writes whole SSTs, so 1 to
    /// <see cref="SstSections.FooterLength"/> bytes can only be a write cut short (SlateDB reads
    /// those as empty too, which would drop the rows of the torn object silently).
    /// </summary>
    public static bool IsZeroByteFence(long size) => size == 0;

    /// <summary>
    /// What a new manifest records about the WAL's store: SlateDB marks a database created with a
    /// separate WAL store by an empty <c>wal_object_store_uri</c> (the field is a flag, not an
    /// address, in 0.12 to 0.15).
    /// </summary>
    public static string? StoreMarker(bool separateStore) => separateStore ? string.Empty : null;

    /// <summary>
    /// Refuses an open whose WAL store disagrees with the one the manifest records, as SlateDB
    /// 0.15 does: a manifest that marks a separate WAL store needs one (replaying the main store
    /// would silently miss every unflushed write, and a writer would fence and write beside
    /// them). A manifest without the mark says nothing (version 2 manifests never carry it), so any
    /// configuration passes; a WAL that is not where the open looks then fails the writer's
    /// check that every WAL id the manifest saw is there.
    /// </summary>
    public static void CheckStoreConfiguration(ManifestState state, string db, bool separateStore)
    {
        if (state.WalObjectStoreUri is { } marked && !separateStore)
        {
            var where = marked.Length == 0 ? string.Empty : $" ({marked})";
            ThrowHelper.Invalid(
                $"{db}: its WAL lives in a separate object store{where}, SlateDB's wal_object_store_uri; "
                + "open it with that store as DbOptions.WalObjectStore (CLI: --wal-store URL): replaying the main store instead would miss every unflushed write");
        }
    }

    /// <summary>
    /// The WAL as listed: the ids after <paramref name="afterWalId"/>, ascending, and the size of
    /// every WAL object (format detection tells the fence kinds apart by size).
    /// </summary>
    public static async Task<(SortedSet<ulong> IdsAfter, List<long> Sizes)> ListAsync(IObjectStore store, string db, ulong afterWalId, CancellationToken cancellationToken)
    {
        var ids = new SortedSet<ulong>();
        var sizes = new List<long>();
        await foreach (var meta in store.ListAsync(DbPaths.DirPrefix(db, DbPaths.WalDir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseWalSstName(meta.Path, out var id))
            {
                sizes.Add(meta.Size);
                if (id > afterWalId)
                {
                    ids.Add(id);
                }
            }
        }

        return (ids, sizes);
    }

    /// <summary>
    /// The rows of WAL object <paramref name="walId"/> for replay: every block read, checksummed
    /// and decoded before the caller sees any of it, so an object is applied wholly or not at all
    /// (a replay that stops at a damaged object leaves no half of it behind). Null for a fence
    /// without rows. Missing throws <see cref="ObjectNotFoundException"/>; anything unreadable
    /// throws <see cref="CorruptWalObjectException"/> naming the object.
    /// </summary>
    public static async ValueTask<WalContents?> ReadForReplayAsync(IObjectStore store, string db, ulong walId, IBlockTransformer? transformer, CancellationToken cancellationToken)
    {
        var path = DbPaths.WalSstPath(db, walId);
        var head = await store.HeadAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(path);

        if (IsZeroByteFence(head.Size))
        {
            return null;
        }

        if (IsShortFence(head.Size))
        {
            throw new CorruptWalObjectException(path, walId, head.Size, $"{head.Size} bytes is shorter than an SST footer");
        }

        try
        {
            var file = await SstFile.OpenAsync(store, path, transformer: transformer, cancellationToken: cancellationToken).ConfigureAwait(false);
            var blocks = new ReadOnlyMemory<byte>[file.BlockCount];
            var iterator = new BlockIterator();
            for (var block = 0; block < blocks.Length; block++)
            {
                blocks[block] = await file.ReadBlockAsync(block, cancellationToken).ConfigureAwait(false);

                // Every row decoded once before any is applied: a block whose checksum holds but
                // whose rows do not decode must not leave half the object in a memtable.
                iterator.Reset(blocks[block], file.Format);
                for (var valid = iterator.SeekToFirst(); valid; valid = iterator.MoveNext())
                {
                }
            }

            return new WalContents(blocks, file.Format);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data && e is not ObjectNotFoundException)
        {
            // A writer opened once without the block transformer (and failed at replay) left its
            // fence untransformed; it holds no rows, and refusing it would lock the database out
            // of its own transformer.
            if (transformer is not null && head.Size <= EmptySstMaxSize && await IsPlainFenceAsync(store, path, head.Size, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            throw new CorruptWalObjectException(path, walId, head.Size, e.Message, e);
        }
    }

    private static async ValueTask<bool> IsPlainFenceAsync(IObjectStore store, string path, long size, CancellationToken cancellationToken)
    {
        var bytes = await store.GetRangeAsync(path, 0, (int)size, cancellationToken).ConfigureAwait(false);
        return bytes.Span.SequenceEqual(Recovery.DbRecovery.FenceBytes(FormatLevel.SlateDb012).Span)
            || bytes.Span.SequenceEqual(Recovery.DbRecovery.FenceBytes(FormatLevel.SlateDb013).Span);
    }

    /// <summary>
    /// Whether a listed WAL object is a fence of either kind, which the collector keeps: deleting
    /// a fence would let the writer it fenced create that id again and have a write acknowledged
    /// that no one replays (SlateDB #1622). Only small objects are opened to look for rows.
    /// </summary>
    public static async ValueTask<bool> IsFenceAsync(IObjectStore store, ObjectMeta meta, IBlockTransformer? transformer, CancellationToken cancellationToken)
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
            var file = await SstFile.OpenAsync(store, meta.Path, transformer: transformer, cancellationToken: cancellationToken).ConfigureAwait(false);
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

/// <summary>The validated blocks of one WAL object, in order.</summary>
internal sealed record WalContents(ReadOnlyMemory<byte>[] Blocks, BlockFormat Format);

/// <summary>
/// A WAL object that exists but cannot be read whole: cut short (a torn write on a store without
/// atomic puts) or damaged. <see cref="ErrorKind.Data"/>; the message names the object, its id and
/// the way to open the database at the state before it.
/// </summary>
internal sealed class CorruptWalObjectException(string path, ulong walId, long size, string cause, Exception? inner = null)
    : SlateFastException(
        ErrorKind.Data,
        $"WAL object {walId} ({path}, {size} bytes) is truncated or corrupt: {cause}. Nothing was dropped; "
        + "WalRecoveryMode.PointInTime (CLI: --wal-recovery point-in-time) opens the database at the state before it, "
        + "discarding this WAL object and every later one",
        inner)
{
    public string Path { get; } = path;

    public ulong WalId { get; } = walId;
}
