using System.Collections.Immutable;
using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.ObjectPool;
using SlateFast.Cache;
using SlateFast.Format;
using SlateFast.Iterators;
using SlateFast.Manifest;
using SlateFast.Sst;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast;

public sealed partial class DbHandle
{
    private static readonly ObjectPool<BlockIterator> s_iterators = new DefaultObjectPool<BlockIterator>(new DefaultPooledObjectPolicy<BlockIterator>(), 64);
    private BlockCache? _cache;

    private BlockCache Cache => Volatile.Read(ref _cache) ?? CreateCache();

    /// <summary>
    /// The value of <paramref name="key"/>, or null when it has none. Reads memtables first, then
    /// L0 SSTs newest first, then sorted runs.
    /// </summary>
    /// <remarks>
    /// As in SlateDB 0.12, expired rows are returned until a flush or compaction rewrites them. A
    /// key whose newest row is a merge operand is folded with <see cref="DbOptions.MergeOperator"/>
    /// (operands oldest first onto the newest older value); without an operator such a read fails
    /// with <see cref="ErrorKind.Invalid"/> ("merge operator missing"), as in SlateDB 0.12.
    /// </remarks>
    public async ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var writer = new ArrayBufferWriter<byte>();
        var row = await LookupAsync(key, ulong.MaxValue, options ?? ReadOptions.Default, writer, cancellationToken).ConfigureAwait(false);
        return row.Found ? writer.WrittenSpan.ToArray() : null;
    }

    /// <summary>
    /// Writes the value of <paramref name="key"/> into <paramref name="destination"/> and returns
    /// whether the key has one. Allocates nothing, and completes synchronously when the row is in a
    /// memtable or its block is cached.
    /// </summary>
    public async ValueTask<bool> TryGetAsync(ReadOnlyMemory<byte> key, IBufferWriter<byte> destination, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var row = await LookupAsync(key, ulong.MaxValue, options ?? ReadOptions.Default, destination, cancellationToken).ConfigureAwait(false);
        return row.Found;
    }

    /// <summary>
    /// Reads the value of <paramref name="key"/> into <paramref name="pin"/> (reset first) without
    /// copying it when it lies in a cached SST block: the pin then holds the block until it is
    /// reset or disposed. Whether the key has a value; for the C ABI's pinned get.
    /// </summary>
    internal async ValueTask<bool> TryGetPinnedAsync(ReadOnlyMemory<byte> key, PinnedValue pin, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pin);
        pin.Reset();
        var row = await LookupAsync(key, ulong.MaxValue, options ?? ReadOptions.Default, pin, cancellationToken).ConfigureAwait(false);
        if (!row.Found)
        {
            pin.Reset();
        }

        return row.Found;
    }

    /// <summary>The row of <paramref name="key"/> with its sequence number and timestamps, or null.</summary>
    public async ValueTask<KeyValue?> GetKeyValueAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var writer = new ArrayBufferWriter<byte>();
        var row = await LookupAsync(key, ulong.MaxValue, options ?? ReadOptions.Default, writer, cancellationToken).ConfigureAwait(false);
        return row.Found ? new KeyValue(key.ToArray(), writer.WrittenSpan.ToArray(), row.Seq, row.CreateTs, row.ExpireTs) : null;
    }

    /// <summary>
    /// The rows in <paramref name="range"/>, in key order (see <see cref="ScanOptions.Order"/>): an
    /// iterator that is also an <see cref="IAsyncEnumerable{T}"/> and can seek.
    /// </summary>
    public DbIterator ScanAsync(KeyRange range, ScanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(range);
        options ??= ScanOptions.Default;
        options.Validate();
        ThrowIfClosed();
        return new DbIterator(this, range, options, ulong.MaxValue);
    }

    /// <summary>The rows whose key starts with <paramref name="prefix"/>.</summary>
    public DbIterator ScanPrefixAsync(ReadOnlySpan<byte> prefix, ScanOptions? options = null) => ScanAsync(KeyRange.Prefix(prefix), options);

    /// <summary>
    /// Every stored version under <paramref name="prefix"/>, source by source from the newest
    /// (memtables, then L0 SSTs, then sorted runs), unmerged: SlateDB 0.15's
    /// <c>scan_prefix_by_recency</c>, for callers who want the freshest rows and stop early
    /// without reading older SSTs. <see cref="ScanOptions.Order"/> orders keys within a source;
    /// <see cref="ScanOptions.HideExpired"/> does not apply (rows come raw). A prefix spanning
    /// more than one segment is <see cref="ErrorKind.Invalid"/>.
    /// </summary>
    public RecencyIterator ScanPrefixByRecencyAsync(ReadOnlySpan<byte> prefix, ScanOptions? options = null)
    {
        options ??= ScanOptions.Default;
        options.Validate();
        ThrowIfClosed();
        return new RecencyIterator(this, prefix.ToArray(), options);
    }

    /// <summary>
    /// The highest sequence number a read starting now may see, as SlateDB bounds reads: the
    /// newest whole commit, or with <paramref name="dirty"/> anything in memory; with
    /// <see cref="DurabilityFilter.Remote"/> never beyond what is durable (dirty does not lift that).
    /// </summary>
    internal ulong ReadSeq(DurabilityFilter filter, bool dirty) =>
        filter == DurabilityFilter.Remote ? DurableSeq
        : dirty ? ulong.MaxValue
        : Volatile.Read(ref _visibleSeq);

    internal readonly record struct LookupResult(bool Found, ulong Seq, long? CreateTs, long? ExpireTs, bool IsMerge = false);

    /// <summary>
    /// The newest row of <paramref name="key"/> visible to a read with <paramref name="options"/>,
    /// at most at <paramref name="ceiling"/> (a snapshot's sequence number); its value goes to
    /// <paramref name="destination"/>. Awaits only for object-store reads.
    /// </summary>
    /// <remarks>
    /// The read state comes first and the sequence number after it, as RocksDB takes a read's
    /// snapshot only after referencing its SuperVersion. The other way round, a write, its flush
    /// and a compaction could all land in between: the compaction keeps the newer version and
    /// drops the one the read is to see, and the read, skipping the newer one, returned an even
    /// older version from an older sorted run (found by the read-your-writes stress test).
    /// </remarks>
    internal async ValueTask<LookupResult> LookupAsync(ReadOnlyMemory<byte> key, ulong ceiling, ReadOptions options, IBufferWriter<byte> destination, CancellationToken cancellationToken)
    {
        Keys.Validate(key.Span);
        ThrowIfClosed();
        var cacheBlocks = options.CacheBlocks;
        var hideAt = options.HideExpired ? _clock.Now() : long.MinValue;
        Db.ReadState state;
        ulong readSeq;
        while (true)
        {
            state = View;
            readSeq = Math.Min(ceiling, ReadSeq(options.DurabilityFilter, options.Dirty));
            var (outcome, result) = LookupInMemtables(state, key.Span, readSeq, hideAt, destination);
            if (outcome == Lookup.Found)
            {
                return result.IsMerge ? await ResolveMergeAsync(key, state, readSeq, ceiling, options, hideAt, destination, cancellationToken).ConfigureAwait(false) : result;
            }

            if (outcome == Lookup.NotFound)
            {
                break;
            }
        }

        var (l0, runs) = state.Manifest.TreeFor(key.Span);
        foreach (var view in l0)
        {
            var (done, result) = await LookupInSstAsync(default, 0, view, key, readSeq, cacheBlocks, hideAt, destination, cancellationToken).ConfigureAwait(false);
            if (done)
            {
                return result.IsMerge ? await ResolveMergeAsync(key, state, readSeq, ceiling, options, hideAt, destination, cancellationToken).ConfigureAwait(false) : result;
            }
        }

        foreach (var run in runs)
        {
            for (var i = 0; i < run.Ssts.Length; i++)
            {
                var (done, result) = await LookupInSstAsync(run.Ssts, i, run.Ssts[i], key, readSeq, cacheBlocks, hideAt, destination, cancellationToken).ConfigureAwait(false);
                if (done)
                {
                    return result.IsMerge ? await ResolveMergeAsync(key, state, readSeq, ceiling, options, hideAt, destination, cancellationToken).ConfigureAwait(false) : result;
                }
            }
        }

        return default;
    }

    // The newest visible row is a merge operand: its older versions (in any source) hold the rest
    // of the operands and maybe a base, which a one-key scan gathers and folds. Off the fast path.
    // The lookup's state and sequence number carry over, unless a memtable of that state was
    // released meanwhile; then the one-key scan starts afresh, under the same ceiling.
    private async ValueTask<LookupResult> ResolveMergeAsync(ReadOnlyMemory<byte> key, Db.ReadState state, ulong readSeq, ulong ceiling, ReadOptions options, long hideAt, IBufferWriter<byte> destination, CancellationToken cancellationToken)
    {
        if (_options.MergeOperator is null)
        {
            throw SlateFast.MergeOperator.MergeFolding.Missing(key.Span);
        }

        var scan = new ScanOptions { CacheBlocks = options.CacheBlocks, DurabilityFilter = options.DurabilityFilter, Dirty = options.Dirty };
        await using var iterator = new DbIterator(this, new KeyRange(KeyBound.Included(key.Span), KeyBound.Included(key.Span)), scan, ceiling, start: (state, readSeq));
        var row = await iterator.NextAsync(cancellationToken).ConfigureAwait(false);
        if (row is null || row.ExpireTs <= hideAt)
        {
            return default;
        }

        destination.Write(row.Value);
        return new LookupResult(true, row.Seq, row.CreateTs, row.ExpireTs);
    }

    private enum Lookup
    {
        NotFound,
        Found,
        Retry,
    }

    private (Lookup, LookupResult) LookupInMemtables(Db.ReadState state, ReadOnlySpan<byte> key, ulong readSeq, long hideAt, IBufferWriter<byte> destination)
    {
        var set = state.Memtables;
        if (set is null)
        {
            ThrowClosed();
        }

        // Indexed rather than through NewestFirst: an iterator method would allocate on every read.
        var frozen = set!.Frozen;
        for (var i = -1; i < frozen.Length; i++)
        {
            var memtable = i < 0 ? set.Active : frozen[i];
            if (i >= 0 && state.Covers(memtable))
            {
                continue;
            }

            if (!memtable.TryAcquire())
            {
                // Flushed and released meanwhile: its rows are in L0 of a newer state; start over with that.
                return (Lookup.Retry, default);
            }

            try
            {
                var rows = memtable.Rows;
                var node = rows.FindLatest(key, readSeq);
                if (node != 0)
                {
                    var flags = rows.FlagsOf(node);
                    var kind = RowFlags.DecodeKind(flags);
                    return (Lookup.Found, Found(kind, rows.ValueOf(node), rows.SeqOf(node), flags, rows.CreateTsOf(node), rows.ExpireTsOf(node), hideAt, destination));
                }
            }
            finally
            {
                memtable.Release();
            }
        }

        return (Lookup.NotFound, default);
    }

    // hideAt: with ReadOptions.HideExpired, a value expired at that tick reads as a tombstone.
    private static LookupResult Found(RowKind kind, ReadOnlySpan<byte> value, ulong seq, byte flags, long createTs, long expireTs, long hideAt, IBufferWriter<byte> destination)
    {
        switch (kind)
        {
            case RowKind.Value when (flags & RowFlags.HasExpireTs) != 0 && expireTs <= hideAt:
                return new LookupResult(false, seq, null, null);
            case RowKind.Value when destination is PinnedValue pin:
                pin.WriteValue(value);
                return new LookupResult(true, seq, (flags & RowFlags.HasCreateTs) != 0 ? createTs : null, (flags & RowFlags.HasExpireTs) != 0 ? expireTs : null);
            case RowKind.Value:
                destination.Write(value);
                return new LookupResult(true, seq, (flags & RowFlags.HasCreateTs) != 0 ? createTs : null, (flags & RowFlags.HasExpireTs) != 0 ? expireTs : null);
            case RowKind.Tombstone:
                return new LookupResult(false, seq, null, null);
            default:
                // The caller gathers the older versions and folds them (ResolveMergeAsync).
                return new LookupResult(true, seq, null, null, IsMerge: true);
        }
    }

    // (true, result) when this SST decides the key (a value or a tombstone at or below readSeq).
    private async ValueTask<(bool Done, LookupResult Result)> LookupInSstAsync(ImmutableArray<SstView> run, int index, SstView view, ReadOnlyMemory<byte> key, ulong readSeq, bool cacheBlocks, long hideAt, IBufferWriter<byte> destination, CancellationToken cancellationToken)
    {
        var info = view.Sst.Info;
        if ((info.FirstEntry is { } first && key.Span.SequenceCompareTo(first.Span) < 0)
            || (info.LastEntry is { } last && key.Span.SequenceCompareTo(last.Span) > 0))
        {
            // The manifest's bounds say "not here"; they are trusted once compared with the SST.
            if (!info.BoundsVerified && MustVerifyExcluded(run, index, key.Span))
            {
                await OpenSstAsync(view, cancellationToken).ConfigureAwait(false);
            }

            return default;
        }

        if (view.VisibleRange is { } range && !range.Contains(key.Span))
        {
            return default;
        }

        var file = await OpenSstAsync(view, cancellationToken).ConfigureAwait(false);
        if (!file.Filters.MayContainKey(key.Span, _options.FilterPrefixExtractor))
        {
            return default;
        }

        var sstId = new UInt128(view.Sst.Id.High, view.Sst.Id.Low);
        var iterator = s_iterators.Get();
        try
        {
            for (var block = file.Index.FindBlock(key.Span); block < file.BlockCount; block++)
            {
                var cacheKey = BlockCacheKey.Compacted(0, sstId, (long)file.Index.BlockOffset(block));
                if (!Cache.TryGet(cacheKey, BlockKind.Data, out var lease))
                {
                    var bytes = await file.ReadBlockAsync(block, cancellationToken).ConfigureAwait(false);
                    lease = cacheBlocks ? Cache.Insert(cacheKey, BlockKind.Data, bytes.Span) : default;
                    if (!lease.HasValue)
                    {
                        var (done, result, passed) = Scan(iterator, bytes, file.Format, key.Span, readSeq, hideAt, destination);
                        if (done || passed)
                        {
                            return (done, result);
                        }

                        continue;
                    }
                }

                using (lease)
                {
                    var pin = destination as PinnedValue;
                    if (pin is not null)
                    {
                        pin.Candidate = lease.Block;
                    }

                    var (done, result, passed) = Scan(iterator, lease.Memory, file.Format, key.Span, readSeq, hideAt, destination);
                    if (pin is not null)
                    {
                        pin.Candidate = null;
                    }

                    if (done || passed)
                    {
                        return (done, result);
                    }
                }
            }

            return default;
        }
        finally
        {
            s_iterators.Return(iterator);
        }
    }

    private static (bool Done, LookupResult Result, bool Passed) Scan(BlockIterator iterator, ReadOnlyMemory<byte> block, BlockFormat format, ReadOnlySpan<byte> key, ulong readSeq, long hideAt, IBufferWriter<byte> destination)
    {
        iterator.Reset(block, format);
        for (var valid = iterator.Seek(key); valid; valid = iterator.MoveNext())
        {
            var cmp = iterator.Key.SequenceCompareTo(key);
            if (cmp > 0)
            {
                return (false, default, true);
            }

            if (cmp == 0 && iterator.Seq <= readSeq)
            {
                return (true, Found(iterator.Kind, iterator.Value, iterator.Seq, iterator.Flags, iterator.CreateTs ?? 0, iterator.ExpireTs ?? 0, hideAt, destination), true);
            }
        }

        return (false, default, false);
    }

    internal ValueTask<SstFile> OpenSstAsync(SstView view, CancellationToken cancellationToken)
    {
        var opened = Cache.Tables.GetOrOpenAsync(
            view.Sst.Id,
            static (id, state) => SstFile.OpenAsync(state.Store, DbPaths.CompactedSstPath(state.Path, state.ExternalDbs, id), state.Version, transformer: state.Transformer, cancellationToken: CancellationToken.None).AsTask(),
            (Store: _store, Path, Version: view.Sst.FormatVersion, CurrentManifest.ExternalDbs, Transformer: _options.BlockTransformer),
            cancellationToken);

        // A manifest entry is compared with its SST once (the table cache may hold the file for
        // many manifest versions, each with entries of its own); after that a read pays one flag.
        return opened.IsCompletedSuccessfully && view.Sst.Info.BoundsVerified ? opened : VerifiedAsync(view, opened);
    }

    private async ValueTask<SstFile> VerifiedAsync(SstView view, ValueTask<SstFile> opened)
    {
        var file = await opened.ConfigureAwait(false);
        SstBounds.Verify(view.Sst, file, $"manifest {Volatile.Read(ref _manifestId)}");
        return file;
    }

    // Whether a lookup that the manifest's bounds keep out of an SST must open it first: only when
    // that entry was never compared with its SST, and then for every L0 SST (few) but only the two
    // SSTs of a sorted run on either side of the gap the key falls into (a flipped bound that hides
    // a key moves one of exactly those two; any other SST's bounds cannot hide it).
    private static bool MustVerifyExcluded(ImmutableArray<SstView> run, int index, ReadOnlySpan<byte> key)
    {
        if (run.IsDefault)
        {
            return true;
        }

        var info = run[index].Sst.Info;
        if (info.FirstEntry is { } first && key.SequenceCompareTo(first.Span) < 0)
        {
            return index == 0 || run[index - 1].Sst.Info.LastEntry is not { } before || before.Span.SequenceCompareTo(key) < 0;
        }

        return index == run.Length - 1 || run[index + 1].Sst.Info.FirstEntry is not { } after || key.SequenceCompareTo(after.Span) < 0;
    }

    internal SstTableCache OpenedSsts => Cache.Tables;

    internal IMergeOperator? MergeOperator => _options.MergeOperator;

    /// <summary>The current clock tick (ms), for hiding expired rows.</summary>
    internal long NowTick => _clock.Now();

    internal IBlockProvider BlockProvider(bool insert) => new CachedBlockProvider(Cache, 0, insert);




    internal Manifest.ManifestStore Manifests => _manifests;

    internal ObjectStore.IObjectStore Store => _store;

    /// <summary>The store the WAL lives in: <see cref="Store"/> unless <see cref="DbOptions.WalObjectStore"/> names another.</summary>
    internal ObjectStore.IObjectStore WalStore => _walStore;

    private BlockCache CreateCache()
    {
        var cache = new BlockCache(_options.BlockCache);
        var winner = Interlocked.CompareExchange(ref _cache, cache, null);
        if (winner is not null)
        {
            cache.Dispose();
            return winner;
        }

        return cache;
    }
}
