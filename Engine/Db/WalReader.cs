using System.Runtime.CompilerServices;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Wal;
using SlateFast.Format.Blocks;

namespace SlateFast;

/// <summary>
/// Reads a database's write-ahead log for change data capture (SlateDB's <c>WalReader</c>, plus
/// a follower): list WAL objects, read the rows of one, or follow every row as writers commit it.
/// It only reads, so it never fences a writer and may run anywhere the store is reachable.
/// </summary>
/// <remarks>
/// The WAL holds each commit once, in commit order: WAL ids grow by one per object and sequence
/// numbers grow with them. Rows a writer acknowledged without waiting for durability appear once
/// their WAL object is written; rows lost in a crash before that never appear. Garbage
/// collection removes WAL objects once their rows are in SSTs and they are older than the
/// collector's WAL minimum age; a follower that falls further behind than that gets a
/// <see cref="WalGapException"/> instead of silently missing rows.
/// </remarks>
public sealed class WalReader
{
    private readonly IObjectStore _walStore;
    private readonly ManifestStore _manifests;
    private readonly WalReaderOptions _options;
    private readonly TimeProvider _time;

    /// <summary>A reader of the WAL of the database at <paramref name="path"/> in <paramref name="store"/>.</summary>
    /// <param name="path">The database's path inside the store.</param>
    /// <param name="store">The database's store (its manifests; its WAL too unless <see cref="WalReaderOptions.WalObjectStore"/> names another).</param>
    /// <param name="options">Options; null: the defaults.</param>
    public WalReader(string path, IObjectStore store, WalReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new WalReaderOptions();
        options.Validate();
        Path = (path ?? string.Empty).Trim('/');
        ObjectPath.Validate(Path);
        var main = StorePipeline.ForTool(store);
        _walStore = options.WalObjectStore is not { } wal ? main : StorePipeline.ForTool(wal);
        _manifests = new ManifestStore(main, Path);
        _options = options;
        _time = options.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>The database's path inside its object store.</summary>
    public string Path { get; }

    /// <summary>
    /// The WAL objects with <paramref name="startId"/> &lt;= id &lt; <paramref name="endId"/>
    /// (null: unbounded), in id order. Fences a newer writer wrote are listed too; they hold no rows.
    /// </summary>
    public async Task<IReadOnlyList<WalFileInfo>> ListAsync(ulong? startId = null, ulong? endId = null, CancellationToken cancellationToken = default)
    {
        var files = new List<WalFileInfo>();
        await foreach (var meta in _walStore.ListAsync(DbPaths.DirPrefix(Path, DbPaths.WalDir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseWalSstName(meta.Path, out var id) && id >= (startId ?? 0) && id < (endId ?? ulong.MaxValue))
            {
                files.Add(new WalFileInfo(id, meta.Path, meta.Size, meta.LastModified));
            }
        }

        // Names are zero-padded, so listing order is id order on every store; sorted anyway
        // rather than trusting each store's listing order.
        files.Sort((a, b) => a.Id.CompareTo(b.Id));
        return files;
    }

    /// <summary>
    /// The rows of WAL object <paramref name="walId"/> in the order it stores them (by key, newest
    /// version first, as an SST), as SlateDB's <c>WalFile::iterator</c> returns them. A fence
    /// has none. A missing object is <see cref="ErrorKind.Invalid"/> (a <see cref="WalGapException"/>
    /// when garbage collection removed it); a damaged one is <see cref="ErrorKind.Data"/>.
    /// </summary>
    public async Task<IReadOnlyList<WalRow>> ReadAsync(ulong walId, CancellationToken cancellationToken = default)
    {
        if (await TryReadAsync(walId, cancellationToken).ConfigureAwait(false) is { } rows)
        {
            return rows;
        }

        throw (SlateFastException?)await MissingAsync(walId, cancellationToken).ConfigureAwait(false)
            ?? new SlateFastException(ErrorKind.Invalid, $"{Path}: WAL object {walId} has not been written");
    }

    /// <summary>
    /// Every row from <paramref name="start"/> on, in commit order (by sequence number; the rows of
    /// one commit together, by key), following new WAL objects as writers add them: when it has
    /// read the newest, it looks again every <see cref="WalReaderOptions.PollInterval"/>. It
    /// never ends by itself; cancelling <paramref name="cancellationToken"/> stops it between rows
    /// with an <see cref="OperationCanceledException"/>. A WAL object it needs that garbage
    /// collection removed is a <see cref="WalGapException"/>; a damaged one is
    /// <see cref="ErrorKind.Data"/>. Resume with <see cref="WalStart.After"/> and the last row processed.
    /// </summary>
    public async IAsyncEnumerable<WalRow> FollowAsync(WalStart start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (next, afterSeq, first) = await ResolveAsync(start, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = first is { } known && known.Id == next ? known.Rows : await TryReadAsync(next, cancellationToken).ConfigureAwait(false);
            first = null;
            if (rows is null)
            {
                if (await MissingAsync(next, cancellationToken).ConfigureAwait(false) is { } gap)
                {
                    throw gap;
                }

                await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            foreach (var row in InCommitOrder(rows))
            {
                if (row.Seq > afterSeq)
                {
                    yield return row;
                }
            }

            next++;
        }
    }

    /// <summary>
    /// Whether the object at <paramref name="objectPath"/>, <paramref name="sizeBytes"/> long, is a
    /// zero-byte WAL fence as SlateDB 0.14+ writes it: a WAL object name with no bytes, which a
    /// writer taking over wrote so the writer before it fails its next WAL write. It holds no
    /// rows and is no SST. (Earlier fences are SSTs without rows and open as SSTs.)
    /// </summary>
    public static bool IsZeroByteFence(string objectPath, long sizeBytes)
    {
        ArgumentNullException.ThrowIfNull(objectPath);
        return Wal.WalObjects.IsZeroByteFence(sizeBytes) && DbPaths.IsWalObjectPath(objectPath);
    }

    // A WAL object stores its rows as an SST does (by key); commit order is by sequence number,
    // and a stable sort keeps one commit's rows in key order.
    private static IEnumerable<WalRow> InCommitOrder(IReadOnlyList<WalRow> rows) =>
        rows.Count < 2 ? rows : rows.OrderBy(r => r.Seq);

    // Null when the object is not there.
    private async Task<IReadOnlyList<WalRow>?> TryReadAsync(ulong walId, CancellationToken cancellationToken)
    {
        WalContents? contents;
        try
        {
            contents = await WalObjects.ReadForReplayAsync(_walStore, Path, walId, _options.BlockTransformer, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (CorruptWalObjectException e)
        {
            // Not the replay's advice (a point-in-time open): a reader can only report it.
            throw new SlateFastException(ErrorKind.Data, $"{Path}: WAL object {walId} ({e.Path}) is truncated or corrupt", e);
        }

        if (contents is null)
        {
            return [];
        }

        var rows = new List<WalRow>();
        var iterator = new BlockIterator();
        foreach (var block in contents.Blocks)
        {
            iterator.Reset(block, contents.Format);
            for (var valid = iterator.SeekToFirst(); valid; valid = iterator.MoveNext())
            {
                rows.Add(new WalRow(
                    walId, iterator.Seq, iterator.Kind, iterator.Key.ToArray(),
                    iterator.Kind == RowKind.Tombstone ? null : iterator.Value.ToArray(), iterator.CreateTs, iterator.ExpireTs));
            }
        }

        return rows;
    }

    // Why WAL object `walId` is not there: the gap when the collector removed it (every id up to
    // the manifest's replay point was written, and only those may be collected), null when it is
    // simply not written yet.
    private async Task<WalGapException?> MissingAsync(ulong walId, CancellationToken cancellationToken)
    {
        var state = await LatestManifestAsync(cancellationToken).ConfigureAwait(false);
        if (walId > state.ReplayAfterWalId)
        {
            return null;
        }

        var after = await ListAsync(walId + 1, null, cancellationToken).ConfigureAwait(false);
        return new WalGapException(Path, walId, after.Count > 0 ? after[0].Id : null);
    }

    private async Task<ManifestState> LatestManifestAsync(CancellationToken cancellationToken)
    {
        var (_, state) = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {Path} in {_manifests.Store}");
        return state;
    }

    private async Task<(ulong Next, ulong AfterSeq, (ulong Id, IReadOnlyList<WalRow> Rows)? First)> ResolveAsync(WalStart start, CancellationToken cancellationToken)
    {
        switch (start.Kind)
        {
            case WalStartKind.AtWalId:
                return (start.Value, 0, null);
            case WalStartKind.After:
                return (start.WalId, start.Value, null);
        }

        var ids = (await ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Select(f => f.Id).ToArray();
        var state = await LatestManifestAsync(cancellationToken).ConfigureAwait(false);
        var tail = Math.Max(ids.Length > 0 ? ids[^1] + 1 : 1, state.ReplayAfterWalId + 1);
        return start.Kind switch
        {
            WalStartKind.Beginning => (ids.Length > 0 ? ids[FirstOfUnbrokenTail(ids)] : tail, 0, null),
            WalStartKind.End => (tail, 0, null),
            _ => await SeekSeqAsync(ids, tail, start.Value, state.LastL0Seq, cancellationToken).ConfigureAwait(false),
        };
    }

    // The collector keeps fences, so the oldest WAL object may sit before a run of collected ids:
    // the beginning is the start of the run of consecutive ids that reaches the newest.
    private static int FirstOfUnbrokenTail(ulong[] ids)
    {
        var i = ids.Length - 1;
        while (i > 0 && ids[i - 1] == ids[i] - 1)
        {
            i--;
        }

        return i;
    }

    // The smallest WAL id in [1, limit) that is not in the store (ids start at 1), or null.
    private static ulong? FirstMissingBelow(ulong[] ids, ulong limit)
    {
        var expected = 1UL;
        foreach (var id in ids)
        {
            if (id >= limit || id != expected)
            {
                break;
            }

            expected++;
        }

        return expected < limit ? expected : null;
    }

    // The first WAL object holding a row above `seq`, by binary search over the objects there are
    // (sequence numbers grow with WAL ids; fences hold no rows and count as the next object that
    // does). Each object read is kept, so the follower does not read its first one twice.
    private async Task<(ulong Next, ulong AfterSeq, (ulong Id, IReadOnlyList<WalRow> Rows)? First)> SeekSeqAsync(ulong[] ids, ulong tail, ulong seq, ulong lastFlushedSeq, CancellationToken cancellationToken)
    {
        var read = new Dictionary<int, IReadOnlyList<WalRow>>();
        async Task<IReadOnlyList<WalRow>?> Rows(int index)
        {
            if (!read.TryGetValue(index, out var rows))
            {
                // Listed but gone: collected since; the gap check after the search reports it.
                rows = await TryReadAsync(ids[index], cancellationToken).ConfigureAwait(false) ?? [];
                read[index] = rows;
            }

            return rows;
        }

        async Task<int?> FirstWithRows(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                if ((await Rows(i).ConfigureAwait(false))!.Count > 0)
                {
                    return i;
                }
            }

            return null;
        }

        int? found = null;
        var (lo, hi) = (0, ids.Length);
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (await FirstWithRows(mid, hi).ConfigureAwait(false) is not { } j)
            {
                hi = mid;
            }
            else if (read[j].Max(r => r.Seq) > seq)
            {
                (found, hi) = (j, mid);
            }
            else
            {
                lo = j + 1;
            }
        }

        // Rows above `seq` may have been in objects the collector removed. Only flushed rows are
        // collected, so none were when `seq` is at or past the manifest's last L0 sequence number;
        // otherwise the object found must start right after `seq`, or have an object with rows
        // before it (whose rows are all at or below `seq`), or no id before it may be missing.
        var end = found ?? ids.Length;
        if (seq < lastFlushedSeq
            && (found is not { } i || read[i].Min(r => r.Seq) > seq + 1)
            && await FirstWithRows(0, end).ConfigureAwait(false) is null
            && FirstMissingBelow(ids, found is { } f ? ids[f] : tail) is { } missing)
        {
            throw new WalGapException(Path, missing, ids.Where(id => id > missing).Cast<ulong?>().FirstOrDefault());
        }

        if (found is not { } index)
        {
            return (tail, seq, null);
        }

        return (ids[index], seq, (ids[index], read[index]));
    }
}
