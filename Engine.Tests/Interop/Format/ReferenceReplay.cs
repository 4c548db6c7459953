using SlateFast.Format;
using SlateFast.Manifest;

namespace SlateFast.Tests.Interop.Format;

/// <summary>
/// Test oracle: the live rows of a database computed straight from its objects by spec §9, with no
/// engine code beyond the format codecs. Deliberately naive (every row of every source in memory,
/// one dictionary per key) so that it is obviously right, not fast; it is independent of the
/// engine's read path, which it is meant to check one day.
/// </summary>
internal static class ReferenceReplay
{
    /// <summary>A merge operator: <paramref name="existing"/> is null when there is no base value.</summary>
    public delegate byte[] MergeOperator(byte[]? existing, byte[] operand);

    /// <summary>The operator the interop tool calls "concat": existing ++ operand.</summary>
    public static byte[] Concat(byte[]? existing, byte[] operand) => existing is null ? operand : [.. existing, .. operand];

    /// <summary>
    /// The latest state: the highest manifest, WAL ids from replay_after_wal_id + 1 up to the highest
    /// listed id (stopping at the first gap, as a read-only DbReader does), then L0 and sorted runs.
    /// </summary>
    public static Task<IReadOnlyList<SlateDbRow>> LatestAsync(StoredDatabase db, MergeOperator? merge = null)
    {
        var manifest = db.Latest;
        var walIds = new List<ulong>();
        var last = db.WalIds.Count == 0 ? 0 : db.WalIds.Max;
        for (var id = manifest.ReplayAfterWalId + 1; id <= last && db.WalIds.Contains(id); id++)
        {
            walIds.Add(id);
        }

        return ReplayAsync(db, manifest, walIds, merge);
    }

    /// <summary>The view at a checkpoint: its manifest, and WAL ids (replay_after_wal_id, wal_id_last_seen] of that manifest.</summary>
    public static Task<IReadOnlyList<SlateDbRow>> AtCheckpointAsync(StoredDatabase db, Uuid checkpointId, MergeOperator? merge = null)
    {
        var checkpoint = db.Latest.Checkpoints.Single(c => c.Id == checkpointId);
        var manifest = db.Manifests[checkpoint.ManifestId];
        var walIds = new List<ulong>();
        for (var id = manifest.ReplayAfterWalId + 1; id <= manifest.WalIdLastSeen; id++)
        {
            walIds.Add(id);
        }

        return ReplayAsync(db, manifest, walIds, merge);
    }

    private static async Task<IReadOnlyList<SlateDbRow>> ReplayAsync(StoredDatabase db, ManifestState manifest, List<ulong> walIds, MergeOperator? merge)
    {
        // Rank = recency of the source, 0 newest; it only breaks ties between equal seqs.
        var versions = new Dictionary<string, List<(StoredRow Row, int Rank)>>(StringComparer.Ordinal);
        var rank = 0;
        void Add(StoredRow row, int sourceRank)
        {
            var key = Convert.ToHexString(row.Key);
            if (!versions.TryGetValue(key, out var list))
            {
                versions[key] = list = [];
            }

            list.Add((row, sourceRank));
        }

        foreach (var id in Enumerable.Reverse(walIds))
        {
            var wal = await db.ReadWalAsync(id);
            var walRank = rank++;
            foreach (var row in wal.Rows.Where(r => r.Seq > manifest.LastL0Seq))
            {
                Add(row, walRank);
            }
        }

        var sortedRunViews = manifest.Compacted.SelectMany(sr => sr.Ssts.Select(v => (View: v, Run: true)));
        foreach (var (view, _) in manifest.L0.Select(v => (View: v, Run: false)).Concat(sortedRunViews))
        {
            var sst = await db.ReadCompactedAsync(view.Sst);
            var sstRank = rank++;
            foreach (var row in sst.Rows.Where(r => view.VisibleRange is null || view.VisibleRange.Contains(r.Key)))
            {
                Add(row, sstRank);
            }
        }

        var result = new List<SlateDbRow>();
        foreach (var list in versions.Values)
        {
            var newestFirst = list.OrderByDescending(v => v.Row.Seq).ThenBy(v => v.Rank).Select(v => v.Row).ToList();
            if (Resolve(newestFirst, merge) is { } row)
            {
                result.Add(row);
            }
        }

        result.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        return result;
    }

    // §9.5: the newest version decides, unless it is a merge operand: then operands are collected
    // down to a value (the base) or a tombstone / the oldest version (no base) and folded oldest first.
    private static SlateDbRow? Resolve(List<StoredRow> newestFirst, MergeOperator? merge)
    {
        var top = newestFirst[0];
        if (top.Kind == RowKind.Tombstone)
        {
            return null;
        }

        if (top.Kind == RowKind.Value)
        {
            return new SlateDbRow(top.Key, top.Value, top.Seq, top.CreateTs ?? 0, top.ExpireTs);
        }

        if (merge is null)
        {
            throw new InvalidOperationException($"key {Convert.ToHexString(top.Key)} has merge operands but no merge operator was given");
        }

        var operands = newestFirst.TakeWhile(r => r.Kind == RowKind.Merge).ToList();
        var baseRow = newestFirst.Skip(operands.Count).FirstOrDefault() is { Kind: RowKind.Value } b ? b : null;
        var value = baseRow?.Value;
        foreach (var operand in Enumerable.Reverse(operands))
        {
            value = merge(value, operand.Value);
        }

        var contributing = baseRow is null ? operands : [.. operands, baseRow];
        var expire = contributing.Where(r => r.ExpireTs.HasValue).Select(r => r.ExpireTs!.Value).DefaultIfEmpty().Min();
        var hasExpire = contributing.Any(r => r.ExpireTs.HasValue);
        return new SlateDbRow(top.Key, value!, top.Seq, top.CreateTs ?? 0, hasExpire ? expire : null);
    }
}
