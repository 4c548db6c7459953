using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.Memtable;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Flush;

/// <summary>
/// Writes a frozen memtable as an L0 SST with the streaming builder, applying what SlateDB's
/// flush applies to the rows (spec §8): older versions of a key that no reader can need are
/// dropped, a value whose TTL has passed at the flush tick becomes a tombstone, an expired merge
/// operand disappears. Versions a live snapshot can still read are kept: a version is needed
/// when some snapshot's sequence number lies between it and the next newer version of its key.
/// </summary>
internal static class L0Writer
{
    private const int DrainThreshold = 256 * 1024;

    public static async Task<CompactedSst> WriteAsync(IObjectStore store, string db, Memtable.Memtable memtable, DbOptions options, Ulid id, ulong[] snapshotSeqs, CancellationToken cancellationToken)
    {
        var path = DbPaths.CompactedSstPath(db, id);
        using var builder = new SstBuilder(new SstBuildSettings(options.BlockSize, options.Compression, options.FilterBitsPerKey, options.MinFilterKeys, SstType.Compacted));
        await using var writer = await store.OpenWriterAsync(path, cancellationToken).ConfigureAwait(false);
        var cursor = new Cursor(memtable.Rows, memtable.LastTick, snapshotSeqs);
        while (cursor.AddUntilFull(builder))
        {
            await writer.WriteAsync(builder.Pending, cancellationToken).ConfigureAwait(false);
            builder.Drained();
        }

        var info = builder.Finish();
        await writer.WriteAsync(builder.Pending, cancellationToken).ConfigureAwait(false);
        builder.Drained();
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new CompactedSst(id, info, CompactedSst.CurrentFormatVersion);
    }

    // Walks the skiplist in (key asc, seq desc) order; spans never cross an await, only the node offset does.
    private sealed class Cursor(ArenaSkipList rows, long flushTick, ulong[] snapshots)
    {
        private uint _node = rows.First();
        private byte[] _previousKey = [];
        private int _previousLength = -1;
        private ulong _newerSeq;
        private bool _inMergeChain;

        /// <summary>Adds rows until the builder has a drain's worth pending (true) or the memtable ends (false).</summary>
        public bool AddUntilFull(SstBuilder builder)
        {
            for (; _node != 0; _node = rows.Next(_node))
            {
                var key = rows.KeyOf(_node);
                var seq = rows.SeqOf(_node);
                var sameKey = _previousLength >= 0 && key.SequenceEqual(_previousKey.AsSpan(0, _previousLength));
                var needed = !sameKey || _inMergeChain || NeededBySnapshot(seq, _newerSeq);
                if (!sameKey)
                {
                    Remember(key);
                    _inMergeChain = false;
                }

                _newerSeq = seq;
                if (!needed)
                {
                    continue;
                }

                var flags = rows.FlagsOf(_node);
                var kind = RowFlags.DecodeKind(flags);
                long? expire = (flags & RowFlags.HasExpireTs) != 0 ? rows.ExpireTsOf(_node) : null;
                long? create = (flags & RowFlags.HasCreateTs) != 0 ? rows.CreateTsOf(_node) : null;
                var value = rows.ValueOf(_node);
                if (expire is { } e && e <= flushTick)
                {
                    if (kind == RowKind.Merge)
                    {
                        continue;
                    }

                    kind = RowKind.Tombstone;
                    value = default;
                    expire = null;
                }

                builder.Add(new RowEntry(key, value, seq, kind, expire, create));

                // Operands are folded onto older versions by readers, so those stay too.
                _inMergeChain = kind == RowKind.Merge;
                if (builder.Pending.Length >= DrainThreshold)
                {
                    _node = rows.Next(_node);
                    return true;
                }
            }

            return false;
        }

        // Whether a snapshot at s with seq <= s < newerSeq exists: it reads this version.
        private bool NeededBySnapshot(ulong seq, ulong newerSeq)
        {
            var i = Array.BinarySearch(snapshots, seq);
            if (i < 0)
            {
                i = ~i;
            }

            return i < snapshots.Length && snapshots[i] < newerSeq;
        }

        private void Remember(ReadOnlySpan<byte> key)
        {
            if (_previousKey.Length < key.Length)
            {
                _previousKey = new byte[Math.Max(key.Length, _previousKey.Length * 2)];
            }

            key.CopyTo(_previousKey);
            _previousLength = key.Length;
        }
    }
}
