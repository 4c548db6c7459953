using Microsoft.Extensions.Logging;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Rows;

namespace SlateFast;

public sealed partial class DbHandle
{
    private readonly SemaphoreSlim _ingestLock = new(1, 1);

    // Closed (non-null) while an ingestion installs: writers wait on it (see WaitToWriteAsync).
    private Task? _writeGate;

    // The sequence number of the ingestion installing now, 0 when none.
    private ulong _pendingIngestSeq;

    /// <summary>
    /// Adds SSTs written by <see cref="SstWriter"/> to the database atomically: every row becomes
    /// visible at once under one fresh sequence number, above everything written before the call
    /// and below everything written after it. The files must hold sorted keys and, taken together,
    /// not overlap; a corrupt file is <see cref="ErrorKind.Data"/>, an unsuitable one
    /// <see cref="ErrorKind.Invalid"/>, and either way nothing changes.
    /// </summary>
    /// <remarks>
    /// SlateDB's format has no per-file global sequence number (RocksDB's and Pebble's ingestion
    /// rely on one), so each file is rewritten into the database with its rows at the new sequence
    /// number (docs/rfcs/0012-ingestion.md). Writes wait while the files are rewritten and
    /// installed, and memtables are flushed first so no older row can shadow an ingested one. The
    /// source files are never modified or deleted. Durable when it returns.
    /// </remarks>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<string> paths, IngestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= IngestOptions.Default;
        if (_readOnly)
        {
            ThrowHelper.Invalid($"{Path} is open read-only");
        }

        if (paths.Count == 0)
        {
            ThrowHelper.Invalid("ingestion needs at least one SST");
        }

        if (_segments is not null)
        {
            // An ingested file would have to be split by segment, which the rewrite does not do yet.
            ThrowHelper.Invalid($"{Path}: ingestion into a segmented database is not supported; write the rows with WriteAsync");
        }

        ThrowIfClosed();
        var source = options.SourceStore ?? _store;
        await _ingestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var files = await OpenIngestFilesAsync(source, paths, cancellationToken).ConfigureAwait(false);
            return await InstallAsync(source, files, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ingestLock.Release();
        }
    }

    // Opens and checks every file before anything changes: compacted SSTs with rows, ordered by
    // first key, ranges not overlapping.
    private static async Task<List<SstReader>> OpenIngestFilesAsync(IObjectStore source, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var files = new List<SstReader>(paths.Count);
        foreach (var path in paths)
        {
            var reader = await SstReader.OpenAsync(source, path, cancellationToken).ConfigureAwait(false);
            var p = reader.Properties;
            if (p.IsWal)
            {
                ThrowHelper.Invalid($"{path} is a WAL SST; only SSTs written by SstWriter can be ingested");
            }

            if (p.FirstEntry is null || p.LastEntry is null)
            {
                ThrowHelper.Invalid($"{path} holds no rows");
            }

            files.Add(reader);
        }

        files.Sort((a, b) => a.Properties.FirstEntry!.AsSpan().SequenceCompareTo(b.Properties.FirstEntry));
        for (var i = 1; i < files.Count; i++)
        {
            if (files[i - 1].Properties.LastEntry!.AsSpan().SequenceCompareTo(files[i].Properties.FirstEntry) >= 0)
            {
                ThrowHelper.Invalid($"{files[i - 1].Properties.Path} and {files[i].Properties.Path} overlap: ingested files must cover disjoint key ranges");
            }
        }

        return files;
    }

    private async Task<IngestResult> InstallAsync(IObjectStore source, List<SstReader> files, CancellationToken cancellationToken)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var written = new List<CompactedSst>();
        ulong seq;
        long now;
        Task[] flushed;
        lock (_commitLock)
        {
            if (_state == StateClosed)
            {
                ThrowClosed();
            }

            // From here writers wait, so no write can land between this sequence number and the
            // install, and every earlier row is in a memtable about to be flushed.
            Volatile.Write(ref _writeGate, gate.Task);
            seq = ++_lastSeq;
            _pendingIngestSeq = seq;
            now = _clock.Now();
            Freeze(0);
            flushed = [.. Memtables!.Frozen.Select(m => m.Flushed.Task)];
        }

        var installed = false;
        try
        {
            KickFlusher();
            await Task.WhenAll(flushed).WaitAsync(cancellationToken).ConfigureAwait(false);

            long rows = 0, bytes = 0;
            foreach (var file in files)
            {
                var (sst, count, size) = await UploadRetry.RunAsync(() => RewriteAsync(file, seq, now, cancellationToken), _backoff, _log, $"ingesting {file.Properties.Path} into {Path}", cancellationToken).ConfigureAwait(false);
                written.Add(sst);
                rows += count;
                bytes += size;
            }

            var first = files[0].Properties.FirstEntry!;
            var last = files[^1].Properties.LastEntry!;
            await UpdateManifestAsync(
                m => m.LastL0Seq >= seq || m.L0.Any(v => written.Any(s => s.Id == v.Sst.Id))
                    ? null // Already applied (as for the memtable flush's change, a landed write may run again).
                    : m with
                    {
                        L0 = m.L0.InsertRange(0, written.AsEnumerable().Reverse().Select(SstView.Whole)),
                        LastL0Seq = Math.Max(m.LastL0Seq, seq),
                        LastL0ClockTick = Math.Max(m.LastL0ClockTick, now),
                    },
                cancellationToken).ConfigureAwait(false);
            installed = true;

            lock (_commitLock)
            {
                if (_conflicts.Active)
                {
                    _conflicts.RecordRange(seq, first, last);
                }
            }

            Memory.Atomic.Max(ref _durableSeq, seq);
            _progress.Notify();
            StatusChanged();
            _log.LogInformation("ingested {Rows} rows from {Files} SSTs into {Path} at seq {Seq}", rows, files.Count, Path, seq);
            return new IngestResult(seq, rows, bytes, [.. written.Select(s => s.Id.ToString())]);
        }
        finally
        {
            if (!installed)
            {
                await DeleteQuietlyAsync(written).ConfigureAwait(false);
            }

            lock (_commitLock)
            {
                if (installed)
                {
                    Memory.Atomic.Max(ref _visibleSeq, seq);
                }

                _pendingIngestSeq = 0;
                Volatile.Write(ref _writeGate, null);
            }

            gate.SetResult();
        }
    }

    // Copies one file into the database as an L0 SST with every row at the ingestion's sequence
    // number, checking the row order on the way (a file not written by SstWriter may not be sorted).
    private async Task<(CompactedSst Sst, long Rows, long Bytes)> RewriteAsync(SstReader file, ulong seq, long now, CancellationToken cancellationToken)
    {
        Ulid id;
        lock (_random)
        {
            id = Ulid.NewUlid(_options.TimeProvider, _random);
        }

        var path = DbPaths.CompactedSstPath(Path, id);
        using var builder = new SstBuilder(SstBuildSettings.Compacted(_options));
        await using var writer = await _store.OpenWriterAsync(path, cancellationToken).ConfigureAwait(false);
        long rows = 0, bytes = 0;
        byte[]? previous = null;
        await foreach (var row in file.ReadRowsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (previous is not null && row.Key.AsSpan().SequenceCompareTo(previous) <= 0)
            {
                ThrowHelper.Invalid($"{file.Properties.Path}: key {Convert.ToHexString(row.Key)} does not follow {Convert.ToHexString(previous)}; ingested files must hold each key once, in order");
            }

            previous = row.Key;
            builder.Add(new RowEntry(row.Key, row.Kind == RowKind.Tombstone ? default : row.Value, seq, row.Kind, row.Kind == RowKind.Tombstone ? null : row.ExpireTs, now));
            rows++;
            if (builder.Pending.Length >= 256 * 1024)
            {
                bytes += builder.Pending.Length;
                await writer.WriteAsync(builder.Pending, cancellationToken).ConfigureAwait(false);
                builder.Drained();
            }
        }

        var info = builder.Finish();
        bytes += builder.Pending.Length;
        await writer.WriteAsync(builder.Pending, cancellationToken).ConfigureAwait(false);
        builder.Drained();
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return (new CompactedSst(id, info, CompactedSst.CurrentFormatVersion), rows, bytes);
    }

    private async Task DeleteQuietlyAsync(List<CompactedSst> written)
    {
        foreach (var sst in written)
        {
            try
            {
                await _store.DeleteAsync(DbPaths.CompactedSstPath(Path, sst.Id)).ConfigureAwait(false);
            }
            catch (Exception e) when (Failures.IsExpected(e))
            {
                // Left for the garbage collector: no manifest refers to it.
                _log.LogDebug(e, "could not delete abandoned ingestion output {Sst}", sst.Id);
            }
        }
    }
}
