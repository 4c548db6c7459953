using System.Collections.Concurrent;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.Sst;

namespace SlateFast;

public sealed partial class DbHandle
{
    private readonly ConcurrentDictionary<Ulid, Task<SstFile>> _sstFiles = new();

    /// <summary>
    /// The value of <paramref name="key"/>, or null when it has none. Reads every applied write:
    /// memtables first, then L0 SSTs newest first, then sorted runs.
    /// </summary>
    /// <remarks>Expired rows are returned until a flush or compaction rewrites them, as SlateDB 0.12 does.</remarks>
    public async ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        Keys.Validate(key.Span);
        ThrowIfClosed();
        while (true)
        {
            var (outcome, value) = GetFromMemtables(key.Span);
            if (outcome == Lookup.Retry)
            {
                continue;
            }

            if (outcome != Lookup.NotFound)
            {
                return value;
            }

            break;
        }

        var manifest = Volatile.Read(ref _manifest);
        foreach (var view in manifest.L0)
        {
            if (await GetFromSstAsync(view, key, cancellationToken).ConfigureAwait(false) is { } row)
            {
                return Resolve(key.Span, row.Kind, row.Value);
            }
        }

        foreach (var run in manifest.Compacted)
        {
            foreach (var view in run.Ssts)
            {
                if (await GetFromSstAsync(view, key, cancellationToken).ConfigureAwait(false) is { } row)
                {
                    return Resolve(key.Span, row.Kind, row.Value);
                }
            }
        }

        return null;
    }

    private enum Lookup
    {
        NotFound,
        Found,
        Retry,
    }

    private (Lookup, byte[]?) GetFromMemtables(ReadOnlySpan<byte> key)
    {
        var set = Volatile.Read(ref _memtables);
        if (set is null)
        {
            ThrowClosed();
        }

        foreach (var memtable in set!.NewestFirst)
        {
            if (!memtable.TryAcquire())
            {
                // Flushed and released meanwhile: its rows are in L0 now; start over with the new set.
                return (Lookup.Retry, null);
            }

            try
            {
                var node = memtable.Rows.FindLatest(key, ulong.MaxValue);
                if (node != 0)
                {
                    var kind = RowFlags.DecodeKind(memtable.Rows.FlagsOf(node));
                    return (Lookup.Found, Resolve(key, kind, memtable.Rows.ValueOf(node)));
                }
            }
            finally
            {
                memtable.Release();
            }
        }

        return (Lookup.NotFound, null);
    }

    private static byte[]? Resolve(ReadOnlySpan<byte> key, RowKind kind, ReadOnlySpan<byte> value) => kind switch
    {
        RowKind.Value => value.ToArray(),
        RowKind.Tombstone => null,
        _ => throw new SlateFastException(ErrorKind.Invalid, $"merge operator missing: key {Convert.ToHexString(key)} has merge operands and the database has no merge operator"),
    };

    private async ValueTask<SstRow?> GetFromSstAsync(SstView view, ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        var info = view.Sst.Info;
        if ((info.FirstEntry is { } first && key.Span.SequenceCompareTo(first.Span) < 0)
            || (info.LastEntry is { } last && key.Span.SequenceCompareTo(last.Span) > 0)
            || (view.VisibleRange is { } range && !range.Contains(key.Span)))
        {
            return null;
        }

        var file = await _sstFiles.GetOrAdd(view.Sst.Id, _ =>
            SstFile.OpenAsync(_store, DbPaths.CompactedSstPath(Path, view.Sst.Id), view.Sst.FormatVersion, cancellationToken: CancellationToken.None).AsTask()).ConfigureAwait(false);
        if (file.Filter is { } filter && !filter.MightContain(key.Span))
        {
            return null;
        }

        var iterator = new BlockIterator();
        for (var block = file.Index.FindBlock(key.Span); block < file.BlockCount; block++)
        {
            var bytes = await file.ReadBlockAsync(block, cancellationToken).ConfigureAwait(false);
            iterator.Reset(bytes, file.Format);
            for (var valid = iterator.Seek(key.Span); valid; valid = iterator.MoveNext())
            {
                var cmp = iterator.Key.SequenceCompareTo(key.Span);
                if (cmp > 0)
                {
                    return null;
                }

                if (cmp == 0)
                {
                    return new SstRow(iterator.Key.ToArray(), iterator.Value.ToArray(), iterator.Seq, iterator.Kind, iterator.CreateTs, iterator.ExpireTs);
                }
            }
        }

        return null;
    }
}
