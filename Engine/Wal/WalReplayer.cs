using SlateFast.Format;
using SlateFast.Memtables;
using SlateFast.ObjectStore;
using SlateFast.Format.Blocks;

namespace SlateFast.Wal;

/// <summary>What a replay does at a WAL id in its range that does not exist.</summary>
internal enum MissingWal
{
    /// <summary>Stop there: a reader met the end of the WAL, or objects the collector removed.</summary>
    Stop,

    /// <summary>A <see cref="ErrorKind.Data"/> error: a writer's WAL must be whole up to its fence.</summary>
    Fail,
}

/// <summary>
/// Replays WAL objects into fresh memtables (spec §9 step 2, §10.1), for the writer's recovery,
/// read-only opens and <see cref="DbReader"/> alike: the ids after a start id up to a last one,
/// rows above a sequence number only. Each object is read and checked whole before any of its
/// rows is applied, and the memtables stay private until the caller installs them, so half an
/// object is never visible.
/// </summary>
/// <param name="store">The store holding the WAL.</param>
/// <param name="db">The database's path in the store.</param>
/// <param name="recovery">What a damaged object does: fail (strict), or end the replay before it.</param>
/// <param name="memtableBytes">A memtable is frozen at the end of the WAL object that brings it to this size.</param>
/// <param name="newMemtable">A memtable for the n-th table of a replay (0 first) with room for a row of the given size.</param>
/// <param name="transformer">The database's block transformer, which decodes the objects' blocks (null: none).</param>
internal sealed class WalReplayer(IObjectStore store, string db, WalRecoveryMode recovery, long memtableBytes, Func<long, int, Memtables.Memtable> newMemtable, IBlockTransformer? transformer = null)
{
    /// <summary>
    /// The replayed memtables, newest first; every one but <see cref="Open"/> is frozen, its
    /// <see cref="Memtables.Memtable.LastWalId"/> the newest WAL id wholly in it and the ones
    /// before. <see cref="Open"/> is the newest when it was not frozen (a writer keeps writing
    /// into it). <see cref="DamagedWalId"/>: with <see cref="WalRecoveryMode.PointInTime"/>, the
    /// damaged object the replay stopped before, and why.
    /// </summary>
    public sealed record Result(List<Memtables.Memtable> NewestFirst, Memtables.Memtable? Open, ulong LastWalId, ulong MaxSeq, long MaxTick, long Rows, ulong? DamagedWalId, string? Damage);

    /// <summary>
    /// Replays ids <paramref name="afterWalId"/>+1 .. <paramref name="lastWalId"/>; rows at or
    /// below <paramref name="minSeq"/> (already in L0) are skipped.
    /// </summary>
    public async Task<Result> ReplayAsync(ulong afterWalId, ulong lastWalId, ulong minSeq, MissingWal missing, CancellationToken cancellationToken)
    {
        var tables = new List<Memtables.Memtable>();
        Memtables.Memtable? open = null;
        var (maxSeq, maxTick, rows) = (minSeq, long.MinValue, 0L);
        var walId = afterWalId;
        (ulong Id, string Why)? damaged = null;
        var iterator = new BlockIterator();
        try
        {
            while (walId < lastWalId)
            {
                var id = walId + 1;
                WalContents? contents;
                try
                {
                    contents = await WalObjects.ReadForReplayAsync(store, db, id, transformer, cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectNotFoundException) when (missing == MissingWal.Stop)
                {
                    break;
                }
                catch (ObjectNotFoundException e)
                {
                    throw new SlateFastException(ErrorKind.Data, $"{db}: WAL object {id} is missing; the WAL must be contiguous from the replay point {afterWalId} to {lastWalId}", e);
                }
                catch (CorruptWalObjectException e) when (recovery == WalRecoveryMode.PointInTime)
                {
                    // Opted in: the replay ends at the prefix before this object; later objects
                    // follow it in commit order and are not replayed either.
                    damaged = (id, e.Message);
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

                        open = Insert(tables, open, iterator, id);
                        rows++;
                        maxSeq = Math.Max(maxSeq, iterator.Seq);
                        maxTick = Math.Max(maxTick, iterator.CreateTs ?? long.MinValue);
                    }
                }

                walId = id;
                if (open is not null && open.EstimatedSize >= memtableBytes)
                {
                    open.LastWalId = id;
                    open = null;
                }
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
        return new Result(tables, open, walId, maxSeq, maxTick, rows, damaged?.Id, damaged?.Why);
    }

    // Into the open memtable; one without room is frozen first. It filled inside WAL object
    // `walId`, so only the object before is wholly in it and the ones before it.
    private Memtables.Memtable Insert(List<Memtables.Memtable> tables, Memtables.Memtable? open, BlockIterator row, ulong walId)
    {
        var need = ArenaSkipList.MaxNodeSize(row.Key.Length, row.Value.Length);
        if (open is not null && open.Capacity - open.Rows.ArenaBytes < need)
        {
            open.LastWalId = walId - 1;
            open = null;
        }

        if (open is null)
        {
            open = newMemtable(need, tables.Count);
            tables.Add(open);
        }

        if (open.Insert(row.Key, row.Seq, row.Flags, row.Value, row.CreateTs ?? 0, row.ExpireTs ?? 0) == InsertResult.ArenaFull)
        {
            ThrowHelper.Internal($"replayed row of seq {row.Seq} does not fit a fresh memtable of {open.Capacity} bytes");
        }

        return open;
    }
}
