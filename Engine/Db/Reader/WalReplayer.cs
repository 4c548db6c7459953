using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.Memtable;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Db.Reader;

/// <summary>
/// Replays WAL objects into fresh memtables for a reader (spec §9 step 2): ids after a start id,
/// up to a last id or the first missing one, rows above a sequence number only. The memtables are
/// private until installed, so a half-replayed object is never visible.
/// </summary>
internal sealed class WalReplayer(IObjectStore store, string db, long maxMemtableBytes, WalRecoveryMode recovery = WalRecoveryMode.Strict)
{
    private const long FirstArenaBytes = 1L << 20;

    /// <summary>With <see cref="WalRecoveryMode.PointInTime"/>: the damaged WAL id the last replay stopped before, if any.</summary>
    public ulong? DamagedWalId { get; private set; }

    public sealed record Result(List<Memtable.Memtable> NewestFirst, ulong LastWalId, ulong MaxSeq);

    /// <summary>
    /// Replays ids <paramref name="afterWalId"/>+1 .. <paramref name="lastWalId"/>, stopping early
    /// at the first id that does not exist (GC or a writer that has not written it yet).
    /// </summary>
    public async Task<Result> ReplayAsync(ulong afterWalId, ulong lastWalId, ulong minSeq, CancellationToken cancellationToken)
    {
        var tables = new List<Memtable.Memtable>();
        Memtable.Memtable? current = null;
        var maxSeq = minSeq;
        var walId = afterWalId;
        var iterator = new BlockIterator();
        DamagedWalId = null;
        try
        {
            while (walId < lastWalId)
            {
                Wal.WalContents? contents;
                try
                {
                    contents = await Wal.WalObjects.ReadForReplayAsync(store, db, walId + 1, cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectNotFoundException)
                {
                    break;
                }
                catch (Wal.CorruptWalObjectException) when (recovery == WalRecoveryMode.PointInTime)
                {
                    // The reader writes nothing: it reads the prefix before the damaged object
                    // and stops there on every poll until a writer moves the replay point past it.
                    DamagedWalId = walId + 1;
                    break;
                }

                foreach (var bytes in contents?.Blocks ?? [])
                {
                    iterator.Reset(bytes, contents!.Format);
                    for (var valid = iterator.SeekToFirst(); valid; valid = iterator.MoveNext())
                    {
                        if (iterator.Seq <= minSeq)
                        {
                            continue;
                        }

                        current = Insert(tables, current, iterator);
                        maxSeq = Math.Max(maxSeq, iterator.Seq);
                    }
                }

                walId++;
            }
        }
        catch
        {
            foreach (var table in tables)
            {
                table.Release();
            }

            throw;
        }

        tables.Reverse();
        return new Result(tables, walId, maxSeq);
    }

    private Memtable.Memtable Insert(List<Memtable.Memtable> tables, Memtable.Memtable? current, BlockIterator row)
    {
        if (current is null || current.EstimatedSize >= maxMemtableBytes)
        {
            current = New(tables, FirstArenaBytes);
        }

        while (true)
        {
            var result = current.Insert(row.Key, row.Seq, row.Flags, row.Value, row.CreateTs ?? 0, row.ExpireTs ?? 0);
            if (result != InsertResult.ArenaFull)
            {
                return current;
            }

            var need = ArenaSkipList.MaxNodeSize(row.Key.Length, row.Value.Length);
            if (current.IsEmpty && current.Capacity >= need * 2)
            {
                ThrowHelper.Internal($"replayed row of seq {row.Seq} does not fit a fresh memtable");
            }

            current = New(tables, Math.Max(need * 2, Math.Min(maxMemtableBytes * 2, Memory.NativeArena.MaxCapacity)));
        }
    }

    private static Memtable.Memtable New(List<Memtable.Memtable> tables, long capacity)
    {
        var table = new Memtable.Memtable(Math.Min(capacity, Memory.NativeArena.MaxCapacity));
        tables.Add(table);
        return table;
    }
}
