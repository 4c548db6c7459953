using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Interop.Format;

/// <summary>One row SlateFast writes into a hand-made database: a put, or a delete when Value is null.</summary>
internal sealed record HandRow(byte[] Key, byte[]? Value, ulong Seq = 0, long? CreateTs = null)
{
    public bool IsDelete => Value is null;
}

/// <summary>
/// Writes a database the way a SlateDB 0.12 writer would leave it after flushing L0s and shutting
/// down (spec §10.1, §10.3), but from SlateFast's codecs alone: SSTs under compacted/ and one V1
/// manifest listing them as L0 (newest first, format_version 2, info = the footer's), with
/// last_l0_seq = the highest seq, and no WAL (replay_after_wal_id = wal_id_last_seen = 0), so a
/// read-only DbReader finds everything in L0.
/// </summary>
internal static class HandWrittenDatabase
{
    /// <summary>
    /// L0 SSTs written through the public <see cref="SstWriter"/>, whose rows all carry seq 0 and no
    /// create_ts; <paramref name="l0NewestFirst"/> lists each SST's rows (key ascending) newest SST first.
    /// </summary>
    /// <remarks>
    /// Only safe when no key is in two of the SSTs: SlateDB 0.12.1 resolves versions of one key with
    /// equal seqs in different L0s nondeterministically in a scan (observed: usually the newer L0
    /// wins, sometimes the older), so layered files need distinct seqs.
    /// </remarks>
    public static async Task WriteWithSstWriterAsync(IObjectStore store, string dbPath, IReadOnlyList<IReadOnlyList<HandRow>> l0NewestFirst, SstWriterOptions options, Random random)
    {
        var ssts = new List<CompactedSst>();
        foreach (var rows in l0NewestFirst)
        {
            var id = NextId(ssts.Count, random);
            await using var writer = await SstWriter.CreateAsync(store, DbPaths.CompactedSstPath(dbPath, id), options);
            foreach (var row in rows)
            {
                await (row.IsDelete ? writer.DeleteAsync(row.Key) : writer.PutAsync(row.Key, row.Value));
            }

            await writer.CloseAsync();
            ssts.Add(new CompactedSst(id, writer.Metadata.Info, CompactedSst.CurrentFormatVersion));
        }

        await WriteManifestAsync(store, dbPath, ssts, lastL0Seq: 0, lastTick: long.MinValue);
    }

    /// <summary>
    /// L0 SSTs built with the internal <see cref="SstBuilder"/> so rows keep real seqs and create
    /// ticks; <paramref name="l0NewestFirst"/> lists each SST's rows (key ascending) newest SST first.
    /// </summary>
    public static async Task WriteWithSstBuilderAsync(IObjectStore store, string dbPath, IReadOnlyList<IReadOnlyList<HandRow>> l0NewestFirst, SstBuildSettings settings, Random random)
    {
        var ssts = new List<CompactedSst>();
        foreach (var rows in l0NewestFirst)
        {
            var id = NextId(ssts.Count, random);
            using var builder = new SstBuilder(settings);
            foreach (var row in rows)
            {
                builder.Add(row.IsDelete
                    ? RowEntry.Delete(row.Key, row.Seq, row.CreateTs)
                    : RowEntry.Put(row.Key, row.Value, row.Seq, row.CreateTs));
            }

            var info = builder.Finish();
            await store.PutAsync(DbPaths.CompactedSstPath(dbPath, id), builder.Pending.ToArray());
            ssts.Add(new CompactedSst(id, info, CompactedSst.CurrentFormatVersion));
        }

        var all = l0NewestFirst.SelectMany(r => r).ToList();
        await WriteManifestAsync(store, dbPath, ssts, all.Max(r => r.Seq), all.Max(r => r.CreateTs ?? long.MinValue));
    }

    // ULID order follows age, as with SlateDB's flushes: the n-th newest is n ms older
    private static Ulid NextId(int newerCount, Random random) =>
        Ulid.FromTimestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - newerCount, random);

    private static async Task WriteManifestAsync(IObjectStore store, string dbPath, IReadOnlyList<CompactedSst> l0NewestFirst, ulong lastL0Seq, long lastTick)
    {
        var state = ManifestState.Initial with
        {
            WriterEpoch = 1,
            L0 = [.. l0NewestFirst.Select(SstView.Whole)],
            LastL0Seq = lastL0Seq,
            RecentSnapshotMinSeq = lastL0Seq,
            LastL0ClockTick = lastTick,
        };
        await store.PutAsync(DbPaths.ManifestPath(dbPath, 1), ManifestCodec.Encode(state));
    }
}
