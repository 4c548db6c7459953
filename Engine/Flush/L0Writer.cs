using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.Memtables;
using SlateFast.ObjectStore;
using SlateFast.Retention;
using SlateFast.Sst;
using SlateFast.Format.Rows;

namespace SlateFast.Flush;

/// <summary>
/// Writes a frozen memtable as an L0 SST with the streaming builder, applying what SlateDB's
/// flush applies to the rows (spec §8): older versions of a key that no reader can need are
/// dropped, a value whose TTL has passed at the flush tick becomes a tombstone, an expired merge
/// operand disappears, operands are folded by the merge operator (see <see cref="VersionRetention"/>).
/// Versions a live snapshot can still read are kept: a version is needed when some snapshot's
/// sequence number lies between it and the next newer version of its key.
/// </summary>
internal static class L0Writer
{
    private const int DrainThreshold = 256 * 1024;

    public static Task<CompactedSst> WriteAsync(IObjectStore store, string db, Memtables.Memtable memtable, DbOptions options, Ulid id, ulong[] snapshotSeqs, CancellationToken cancellationToken) =>
        WriteAsync(store, db, memtable, options, id, snapshotSeqs, memtable.Rows.First(), segment: null, cancellationToken);

    /// <summary>
    /// Writes the rows of one segment, from node <paramref name="first"/> to the last key starting
    /// with <paramref name="segment"/> (a segmented flush writes one L0 per segment, RFC-0024).
    /// </summary>
    public static async Task<CompactedSst> WriteAsync(IObjectStore store, string db, Memtables.Memtable memtable, DbOptions options, Ulid id, ulong[] snapshotSeqs, uint first, byte[]? segment, CancellationToken cancellationToken)
    {
        var path = DbPaths.CompactedSstPath(db, id);
        using var builder = new SstBuilder(SstBuildSettings.Compacted(options));
        await using var writer = await store.OpenWriterAsync(path, cancellationToken).ConfigureAwait(false);
        var cursor = new Cursor(memtable.Rows, memtable.LastTick, snapshotSeqs, options.MergeOperator, first, segment);
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

    // Walks the skiplist in (key asc, seq desc) order, one key's versions at a time; spans never
    // cross an await, only the node offset does.
    private sealed class Cursor(ArenaSkipList rows, long flushTick, ulong[] snapshots, IMergeOperator? mergeOperator, uint first, byte[]? segment)
    {
        private readonly List<uint> _nodes = [];
        private readonly List<KeyVersion> _versions = [];
        private readonly List<KeyVersion> _output = [];
        private uint _node = first;

        /// <summary>Adds rows until the builder has a drain's worth pending (true) or the memtable (or segment) ends (false).</summary>
        public bool AddUntilFull(SstBuilder builder)
        {
            while (_node != 0)
            {
                var key = rows.KeyOf(_node);
                if (segment is not null && !key.StartsWith(segment))
                {
                    _node = 0;
                    break;
                }

                _nodes.Clear();
                var hasMerge = false;
                var next = _node;
                for (; next != 0 && rows.KeyOf(next).SequenceEqual(key); next = rows.Next(next))
                {
                    _nodes.Add(next);
                    hasMerge |= RowFlags.DecodeKind(rows.FlagsOf(next)) == RowKind.Merge;
                }

                _node = next;
                if (hasMerge)
                {
                    AddCollapsed(builder, key);
                }
                else
                {
                    AddNewestPerStripe(builder, key);
                }

                if (builder.Pending.Length >= DrainThreshold)
                {
                    return _node != 0;
                }
            }

            return false;
        }

        // The common case, no operands: straight from the arena, nothing copied.
        private void AddNewestPerStripe(SstBuilder builder, ReadOnlySpan<byte> key)
        {
            for (var i = 0; i < _nodes.Count; i++)
            {
                var node = _nodes[i];
                var seq = rows.SeqOf(node);
                if (i > 0 && !VersionRetention.NeededBySnapshot(snapshots, seq, rows.SeqOf(_nodes[i - 1])))
                {
                    continue;
                }

                var flags = rows.FlagsOf(node);
                var kind = RowFlags.DecodeKind(flags);
                long? expire = (flags & RowFlags.HasExpireTs) != 0 ? rows.ExpireTsOf(node) : null;
                long? create = (flags & RowFlags.HasCreateTs) != 0 ? rows.CreateTsOf(node) : null;
                var value = rows.ValueOf(node);
                if (VersionRetention.AfterExpiry(kind, expire, flushTick) != kind)
                {
                    // Operands take the collapsing path, so only a value expires here, into a tombstone.
                    kind = RowKind.Tombstone;
                    value = default;
                    expire = null;
                }

                builder.Add(new RowEntry(key, value, seq, kind, expire, create));
            }
        }

        private void AddCollapsed(SstBuilder builder, ReadOnlySpan<byte> key)
        {
            _versions.Clear();
            _output.Clear();
            foreach (var node in _nodes)
            {
                var flags = rows.FlagsOf(node);
                _versions.Add(new KeyVersion(
                    rows.SeqOf(node),
                    RowFlags.DecodeKind(flags),
                    rows.ValueOf(node).ToArray(),
                    (flags & RowFlags.HasCreateTs) != 0 ? rows.CreateTsOf(node) : null,
                    (flags & RowFlags.HasExpireTs) != 0 ? rows.ExpireTsOf(node) : null));
            }

            VersionRetention.Collapse(key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_versions), snapshots, flushTick, mergeOperator, _output);
            foreach (var v in _output)
            {
                builder.Add(new RowEntry(key, v.Kind == RowKind.Tombstone ? default : v.Value.Span, v.Seq, v.Kind, v.ExpireTs, v.CreateTs));
            }
        }
    }
}
