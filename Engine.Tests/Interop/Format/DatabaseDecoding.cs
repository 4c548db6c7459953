using System.Buffers.Binary;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Interop.Format;

/// <summary>What <see cref="DatabaseDecoding.DecodeEveryObjectAsync"/> went through.</summary>
internal sealed record DecodedCounts(int Manifests, int Compactions, int WalSsts, int CompactedSsts, long Rows, int Blocks, int Filters);

/// <summary>
/// Decodes every object of a database written by SlateDB with SlateFast's codecs and checks what
/// the spec promises about each (§3–§7), so that a mismatch names the object and the property.
/// </summary>
internal static class DatabaseDecoding
{
    public static async Task<DecodedCounts> DecodeEveryObjectAsync(SlateDbGenerated g)
    {
        var db = await StoredDatabase.LoadAsync(new LocalObjectStore(g.Root), g.DbPath);
        CheckLatestManifestAgainstSummary(db, g.Manifest);
        CheckCompactions(db);

        long rows = 0;
        int blocks = 0, filters = 0;
        foreach (var id in db.WalIds)
        {
            var wal = await db.ReadWalAsync(id);
            CheckWal(wal);
            rows += wal.Rows.Count;
            blocks += wal.Blocks.Count;
        }

        foreach (var id in db.CompactedIds)
        {
            var path = DbPaths.CompactedSstPath(db.DbPath, id);
            var sst = await StoredSst.ReadAsync(db.Store, path, db.FormatVersionOf(id));
            CheckCompacted(sst, g.BlockSize);
            rows += sst.Rows.Count;
            blocks += sst.Blocks.Count;
            filters += sst.File.Filter is null ? 0 : 1;
        }

        await CheckManifestEntriesMatchFootersAsync(db);
        return new DecodedCounts(db.Manifests.Count, db.Compactions.Count, db.WalIds.Count, db.CompactedIds.Count, rows, blocks, filters);
    }

    private static void CheckLatestManifestAgainstSummary(StoredDatabase db, SlateDbManifestSummary expected)
    {
        var (id, m) = db.Manifests.Last();
        Assert.Equal((ulong)expected.Id, id);
        Assert.Equal((ulong)expected.WriterEpoch, m.WriterEpoch);
        Assert.Equal((ulong)expected.CompactorEpoch, m.CompactorEpoch);
        Assert.Equal((ulong)expected.ReplayAfterWalId, m.ReplayAfterWalId);
        Assert.Equal((ulong)expected.WalIdLastSeen, m.WalIdLastSeen);
        Assert.Equal(expected.LastL0Seq, m.LastL0Seq);
        Assert.Equal(expected.L0Count, m.L0.Length);
        Assert.Equal(expected.SortedRunSstCounts, m.Compacted.Select(sr => sr.Ssts.Length));
        Assert.Equal(
            expected.Checkpoints.Select(c => (c.Id, (ulong)c.ManifestId)),
            m.Checkpoints.Select(c => (c.Id.ToString(), c.ManifestId)));
        Assert.True(m.Initialized);
        Assert.True(m.Compacted.Select(sr => sr.Id).SequenceEqual(m.Compacted.Select(sr => sr.Id).OrderDescending()), "sorted runs must be newest first");
        foreach (var (mid, manifest) in db.Manifests)
        {
            Assert.True(manifest.ReplayAfterWalId <= manifest.WalIdLastSeen, $"manifest {mid}: replay_after_wal_id {manifest.ReplayAfterWalId} > wal_id_last_seen {manifest.WalIdLastSeen}");
            Assert.All(StoredDatabase.EveryCompactedSst(manifest), s => Assert.Equal(CompactedSst.CurrentFormatVersion, s.FormatVersion));
        }
    }

    private static void CheckCompactions(StoredDatabase db)
    {
        foreach (var (id, c) in db.Compactions)
        {
            Assert.True(c.CompactorEpoch <= db.Latest.CompactorEpoch, $"compactions {id}: epoch {c.CompactorEpoch} is ahead of the manifest's {db.Latest.CompactorEpoch}");
            Assert.All(c.Recent, x => Assert.True(!x.Spec.L0ViewIds.IsDefaultOrEmpty || !x.Spec.SortedRuns.IsDefaultOrEmpty, $"compaction {x.Id} has no sources"));
        }
    }

    private static void CheckWal(StoredSst wal)
    {
        var info = wal.File.Info;
        Assert.Equal(2, wal.File.FooterVersion);
        Assert.Equal(0UL, info.FilterLength);
        Assert.Null(info.LastEntry);
        if (wal.Rows.Count == 0)
        {
            // the fencing WAL comes from the compacted builder: empty, typed Compacted, zero stats
            Assert.Null(info.FirstEntry);
            Assert.Equal(0, wal.File.BlockCount);
            return;
        }

        Assert.Equal(SstType.Wal, info.SstType);
        Assert.Equal(0UL, info.StatsLength);
        Assert.Equal(SeqKey(wal.Rows[0].Seq), info.FirstEntry!.Value.ToArray());
        for (var i = 1; i < wal.Rows.Count; i++)
        {
            Assert.True(wal.Rows[i - 1].Seq <= wal.Rows[i].Seq, $"{wal.File.Path}: WAL rows out of seq order at row {i}");
        }

        var row = 0;
        for (var b = 0; b < wal.File.BlockCount; b++)
        {
            Assert.Equal(SeqKey(wal.Rows[row].Seq), wal.File.Index.FirstKey(b).ToArray());
            row += RowsIn(wal, b);
        }
    }

    private static void CheckCompacted(StoredSst sst, int blockSize)
    {
        var file = sst.File;
        var info = file.Info;
        var path = file.Path;
        Assert.Equal(SstType.Compacted, info.SstType);
        Assert.Equal(2, file.FooterVersion);
        Assert.NotEmpty(sst.Rows);
        Assert.Equal(sst.Rows[0].Key, info.FirstEntry!.Value.ToArray());
        Assert.Equal(sst.Rows[^1].Key, info.LastEntry!.Value.ToArray());
        for (var i = 1; i < sst.Rows.Count; i++)
        {
            var cmp = sst.Rows[i - 1].Key.AsSpan().SequenceCompareTo(sst.Rows[i].Key);
            Assert.True(cmp < 0 || (cmp == 0 && sst.Rows[i - 1].Seq > sst.Rows[i].Seq), $"{path}: rows out of (key asc, seq desc) order at row {i}");
        }

        // index keys: empty for block 0, else p < key <= f for the last key p before and first key f of the block
        var row = 0;
        for (var b = 0; b < file.BlockCount; b++)
        {
            var indexKey = file.Index.FirstKey(b);
            if (b == 0)
            {
                Assert.True(indexKey.IsEmpty, $"{path}: block 0 index key must be empty");
            }
            else
            {
                Assert.True(sst.Rows[row - 1].Key.AsSpan().SequenceCompareTo(indexKey) <= 0 && indexKey.SequenceCompareTo(sst.Rows[row].Key) <= 0, $"{path}: index key of block {b} is not a separator");
            }

            var (_, stored) = file.BlockRange(b);
            if (info.Compression == CompressionCodec.None && RowsIn(sst, b) > 1)
            {
                Assert.True(stored - 4 <= blockSize, $"{path}: block {b} of {stored - 4} bytes exceeds the block size {blockSize}");
            }

            row += RowsIn(sst, b);
        }

        Assert.Equal(sst.Rows.Count >= 1000, file.Filter is not null);
        if (file.Filter is { } filter)
        {
            Assert.Equal(6, filter.NumProbes);
            Assert.Equal((ulong)((sst.Rows.Count * 10) + 7) / 8 * 8, filter.BitCount);
            Assert.All(sst.Rows, r => Assert.True(filter.MightContain(r.Key), $"{path}: filter rules out a key it holds"));
        }

        var stats = Assert.IsType<SstStats>(file.Stats);
        Assert.Equal((ulong)sst.Rows.Count(r => r.Kind == RowKind.Value), stats.Puts);
        Assert.Equal((ulong)sst.Rows.Count(r => r.Kind == RowKind.Tombstone), stats.Deletes);
        Assert.Equal((ulong)sst.Rows.Count(r => r.Kind == RowKind.Merge), stats.Merges);
        Assert.Equal((ulong)sst.Rows.Sum(r => (long)r.Key.Length), stats.RawKeySize);
        Assert.Equal((ulong)sst.Rows.Sum(r => (long)r.Value.Length), stats.RawValueSize);
        Assert.Equal(file.BlockCount, stats.Blocks.Length);
        row = 0;
        for (var b = 0; b < file.BlockCount; b++)
        {
            var inBlock = sst.Rows.Skip(row).Take(RowsIn(sst, b)).ToList();
            Assert.Equal(
                new BlockStats((ushort)inBlock.Count(r => r.Kind == RowKind.Value), (ushort)inBlock.Count(r => r.Kind == RowKind.Tombstone), (ushort)inBlock.Count(r => r.Kind == RowKind.Merge)),
                stats.Blocks[b]);
            row += inBlock.Count;
        }
    }

    private static async Task CheckManifestEntriesMatchFootersAsync(StoredDatabase db)
    {
        foreach (var sst in StoredDatabase.EveryCompactedSst(db.Latest))
        {
            var file = await SstFile.OpenAsync(db.Store, DbPaths.CompactedSstPath(db.DbPath, sst.Id), sst.FormatVersion);
            Assert.Equal(file.Info, sst.Info);
        }
    }

    private static int RowsIn(StoredSst sst, int block)
    {
        var it = new BlockIterator();
        it.Reset(sst.Blocks[block], sst.File.Format);
        var n = 0;
        for (var valid = it.SeekToFirst(); valid; valid = it.MoveNext())
        {
            n++;
        }

        return n;
    }

    private static byte[] SeqKey(ulong seq)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, seq);
        return key;
    }
}
