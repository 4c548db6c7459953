using System.Collections.Immutable;
using System.Runtime.InteropServices;
using SlateFast.Format;
using SlateFast.Iterators;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Retention;
using SlateFast.Sst;
using SlateFast.Format.Rows;

namespace SlateFast.Compacting;

/// <summary>What one compaction wrote.</summary>
/// <param name="Outputs">The SSTs of the output run, in key order.</param>
/// <param name="BytesRead">Estimated size of the sources (SlateDB's estimate per SST).</param>
/// <param name="BytesWritten">Size of the output SSTs.</param>
/// <param name="RowsRead">Versions read from the sources.</param>
/// <param name="RowsWritten">Versions written.</param>
internal sealed record CompactionResult(ImmutableArray<CompactedSst> Outputs, long BytesRead, long BytesWritten, long RowsRead, long RowsWritten);

/// <summary>
/// Runs one compaction: streams every version of the sources (L0 views and sorted runs, each read
/// with read-ahead and parallel block fetches) through a heap merge, filters each key's versions
/// with <see cref="VersionRetention"/> (then the user's compaction filter, when one is configured) and writes the survivors as SSTs in the current format,
/// starting a new SST at a key boundary once the current one reaches the maximum size.
/// </summary>
/// <remarks>
/// Memory is bounded by the sources' read-ahead, one key's versions and the builder's pending
/// output (drained to the store every 256 KiB, so each output streams as a multipart upload).
/// Output objects become visible only when complete; a crash or failure leaves at most finished
/// SSTs that no manifest lists, which are garbage for the collector.
/// </remarks>
internal sealed class CompactionExecutor(IObjectStore store, string db, DbOptions options, Func<Ulid> newId)
{
    private const int DrainThreshold = 256 * 1024;

    private readonly Threading.Backoff _backoff = Threading.Backoff.ForRestarts(options);

    private static readonly RowScanOptions s_scan = new() { ReadAheadBytes = 256 * 1024, MaxFetchTasks = 2, CacheBlocks = false };

    /// <summary>
    /// Runs the compaction, starting it over after a transient store failure (its streaming
    /// uploads keep no parts to resend); outputs of an abandoned attempt are garbage for the collector.
    /// </summary>
    public Task<CompactionResult> RunAsync(ManifestState manifest, CompactionPlan plan, RetentionRules rules, CancellationToken cancellationToken) =>
        UploadRetry.RunAsync(
            () => RunOnceAsync(manifest, plan, rules, cancellationToken),
            _backoff,
            (options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("SlateFast.Compaction"),
            $"compacting {plan} in {db}",
            cancellationToken);

    private async Task<CompactionResult> RunOnceAsync(ManifestState manifest, CompactionPlan plan, RetentionRules rules, CancellationToken cancellationToken)
    {
        var sources = new List<IRowSource>();
        long bytesRead = 0;

        // A clone's sources may live under its parent's path (external dbs in the manifest).
        var externalDbs = manifest.ExternalDbs;
        // Bounds checked as reads check them: a run cursor skips SSTs by the manifest's keys, and a
        // compaction that skipped one on a flipped byte would drop its rows for good.
        async ValueTask<SstFile> OpenAsync(SstView view, CancellationToken token)
        {
            var file = await SstFile.OpenAsync(store, DbPaths.CompactedSstPath(db, externalDbs, view.Sst.Id), view.Sst.FormatVersion, transformer: options.BlockTransformer, cancellationToken: token).ConfigureAwait(false);
            SstBounds.Verify(view.Sst, file, "the manifest being compacted");
            return file;
        }

        try
        {
            foreach (var id in plan.L0Views)
            {
                var view = manifest.L0.FirstOrDefault(v => v.Id == id) ?? ThrowHelper.Invalid<SstView>($"{db}: compaction source L0 {id} is not in the manifest");
                var file = await OpenAsync(view, cancellationToken).ConfigureAwait(false);
                sources.Add(RowSources.View(store, file, view, ScanDirection.Ascending, options: s_scan, cancellationToken: cancellationToken));
                bytesRead += (long)SizeTieredScheduler.EstimateSize(view);
            }

            foreach (var id in plan.SortedRuns)
            {
                var run = manifest.Compacted.FirstOrDefault(r => r.Id == id) ?? ThrowHelper.Invalid<SortedRun>($"{db}: compaction source sorted run {id} is not in the manifest");
                sources.Add(RowSources.SortedRun(store, run, OpenAsync, ScanDirection.Ascending, options: s_scan, cancellationToken: cancellationToken));
                bytesRead += (long)SizeTieredScheduler.EstimateSize(run);
            }
        }
        catch
        {
            foreach (var s in sources)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        await using var merger = new VersionMerger(sources);
        await using var output = new OutputRun(store, db, options, newId);
        var filter = CompactionFilterStage.Create(options.CompactionFilter, db, plan, rules);
        var group = new KeyVersionBuffer();
        long rowsRead = 0, rowsWritten = 0;
        var more = await merger.MoveNextAsync().ConfigureAwait(false);
        while (more)
        {
            group.Start(merger.Key);
            do
            {
                group.Add(merger.Seq, merger.Kind, merger.CreateTs, merger.ExpireTs, merger.Value);
                rowsRead++;
                more = await merger.MoveNextAsync().ConfigureAwait(false);
            }
            while (more && merger.Key.SequenceEqual(group.Key));

            var kept = VersionRetention.ApplyFloor(group.Versions, rules);
            if (kept == 0)
            {
                continue;
            }

            if (filter is not null)
            {
                rowsWritten += await WriteFilteredAsync(filter, group, kept, rules, output, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await output.StartKeyAsync(cancellationToken).ConfigureAwait(false);
            if (options.MergeOperator is { } mergeOperator && HasOperand(group.Versions[..kept]))
            {
                foreach (var v in Fold(group, kept, rules, mergeOperator))
                {
                    output.Add(new RowEntry(group.Key, v.Kind == RowKind.Tombstone ? default : v.Value.Span, v.Seq, v.Kind, v.ExpireTs, v.CreateTs));
                    rowsWritten++;
                }
            }
            else
            {
                for (var i = 0; i < kept; i++)
                {
                    var v = group.Versions[i];
                    output.Add(new RowEntry(group.Key, v.Value.Span, v.Seq, v.Kind, v.ExpireTs, v.CreateTs));
                    rowsWritten++;
                }
            }

            await output.DrainAsync(cancellationToken).ConfigureAwait(false);
        }

        filter?.End();
        var outputs = await output.FinishAsync(cancellationToken).ConfigureAwait(false);
        return new CompactionResult(outputs, bytesRead, output.BytesWritten, rowsRead, rowsWritten);
    }

    // Kept apart from the loop so a database without a filter runs the loop it always ran.
    private async ValueTask<int> WriteFilteredAsync(CompactionFilterStage filter, KeyVersionBuffer group, int kept, RetentionRules rules, OutputRun output, CancellationToken cancellationToken)
    {
        filter.Start();
        if (options.MergeOperator is { } mergeOperator && HasOperand(group.Versions[..kept]))
        {
            foreach (var v in Fold(group, kept, rules, mergeOperator))
            {
                filter.Offer(group.Key, v.Value.Span, v.Seq, v.Kind, v.CreateTs, v.ExpireTs);
            }
        }
        else
        {
            for (var i = 0; i < kept; i++)
            {
                var v = group.Versions[i];
                filter.Offer(group.Key, v.Value.Span, v.Seq, v.Kind, v.CreateTs, v.ExpireTs);
            }
        }

        var rows = filter.Finish();
        if (rows.Count == 0)
        {
            return 0;
        }

        await output.StartKeyAsync(cancellationToken).ConfigureAwait(false);
        foreach (var v in rows)
        {
            output.Add(new RowEntry(group.Key, v.Value.Span, v.Seq, v.Kind, v.ExpireTs, v.CreateTs));
        }

        await output.DrainAsync(cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }

    private static bool HasOperand(ReadOnlySpan<KeyVersion> versions)
    {
        foreach (var v in versions)
        {
            if (v.Kind == RowKind.Merge)
            {
                return true;
            }
        }

        return false;
    }

    // Operands at or below the retention floor fold onto their base (or into one operand) as a
    // flush folds them; every version above the floor stays as it is, since a reader may read at
    // any of them. The collapser's stripes express that: one stripe per version above the floor,
    // one for everything at or below it.
    private static List<KeyVersion> Fold(KeyVersionBuffer group, int kept, in RetentionRules rules, IMergeOperator mergeOperator)
    {
        var versions = group.Versions[..kept];
        var stripes = new List<ulong> { rules.MinSeq };
        foreach (var v in versions)
        {
            if (v.Seq > rules.MinSeq)
            {
                stripes.Add(v.Seq);
            }
        }

        stripes.Sort();
        var folded = new List<KeyVersion>(kept);
        VersionRetention.Collapse(group.Key, versions, [.. stripes], rules.ClockTick, mergeOperator, folded);
        if (rules.DropTombstones)
        {
            var live = VersionRetention.WithoutOldTombstones(CollectionsMarshal.AsSpan(folded));
            folded.RemoveRange(live, folded.Count - live);
        }

        return folded;
    }

    /// <summary>The output SSTs: one open at a time, streamed to the store.</summary>
    private sealed class OutputRun(IObjectStore store, string db, DbOptions options, Func<Ulid> newId) : IAsyncDisposable
    {
        private readonly ImmutableArray<CompactedSst>.Builder _done = ImmutableArray.CreateBuilder<CompactedSst>();
        private SstBuilder? _builder;
        private IObjectWriter? _writer;
        private Ulid _id;

        public long BytesWritten { get; private set; }

        /// <summary>Called before a key's first version: cuts the SST at a key boundary once it is big enough.</summary>
        public async ValueTask StartKeyAsync(CancellationToken cancellationToken)
        {
            if (_builder is not null && _builder.Position >= options.Compactor.MaxSstSize)
            {
                await CloseCurrentAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_builder is null)
            {
                _id = newId();
                _writer = await store.OpenWriterAsync(DbPaths.CompactedSstPath(db, _id), cancellationToken).ConfigureAwait(false);
                _builder = new SstBuilder(SstBuildSettings.Compacted(options));
            }
        }

        public void Add(in RowEntry row) => _builder!.Add(row);

        public async ValueTask DrainAsync(CancellationToken cancellationToken)
        {
            if (_builder!.Pending.Length >= DrainThreshold)
            {
                await _writer!.WriteAsync(_builder.Pending, cancellationToken).ConfigureAwait(false);
                _builder.Drained();
            }
        }

        public async ValueTask<ImmutableArray<CompactedSst>> FinishAsync(CancellationToken cancellationToken)
        {
            if (_builder is not null)
            {
                await CloseCurrentAsync(cancellationToken).ConfigureAwait(false);
            }

            return _done.ToImmutable();
        }

        public async ValueTask DisposeAsync()
        {
            _builder?.Dispose();
            _builder = null;
            if (_writer is not null)
            {
                await _writer.AbortAsync(CancellationToken.None).ConfigureAwait(false);
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }
        }

        private async ValueTask CloseCurrentAsync(CancellationToken cancellationToken)
        {
            var builder = _builder!;
            var writer = _writer!;
            var info = builder.Finish();
            await writer.WriteAsync(builder.Pending, cancellationToken).ConfigureAwait(false);
            builder.Drained();
            var meta = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            BytesWritten += meta.Size;
            _done.Add(new CompactedSst(_id, info, CompactedSst.CurrentFormatVersion));
            builder.Dispose();
            await writer.DisposeAsync().ConfigureAwait(false);
            _builder = null;
            _writer = null;
        }
    }
}
