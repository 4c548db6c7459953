using System.Collections.Immutable;
using SlateFast.Cache;
using SlateFast.Format;
using SlateFast.Iterators;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Format;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Iterators;

/// <summary>
/// The merge iterator over random mixes of list sources, real memtables, real L0 SSTs and real
/// sorted runs (small blocks, keys straddling SSTs, view ranges) equals the model of spec §9.5 for
/// random snapshots, directions, ranges and seeks.
/// </summary>
public sealed class MergeIteratorPropertyTests
{
    private enum SourceKind
    {
        List,
        YieldingList,
        Memtable,
        L0,
        SortedRun,
    }

    [SeededProperty(MaxTest = 150)]
    public Task Merged_scans_over_every_kind_of_source_equal_the_model(CaseSeed seed) => RunCaseAsync(seed.Value);

    private static async Task RunCaseAsync(int seed)
    {
        var random = new Random(seed);
        var keySpace = random.Next(3, 40);
        var direction = random.Next(2) == 0 ? ScanDirection.Ascending : ScanDirection.Descending;
        var readSeq = (ulong)random.Next(0, 70);
        var range = RandomRange(random, keySpace);
        var store = new CountingStore(new InMemoryObjectStore(), yieldEveryCall: random.Next(3) == 0);
        var options = new RowScanOptions
        {
            ReadAheadBytes = random.Next(4) switch { 0 => 1, 1 => 200, 2 => 1000, _ => 1 << 20 },
            MaxFetchTasks = random.Next(1, 5),
            CacheBlocks = random.Next(2) == 0,
        };
        using var cache = random.Next(2) == 0 ? new BlockCache(new BlockCacheOptions()) : null;
        var provider = cache is null ? null : new CachedBlockProvider(cache, 1, options.CacheBlocks);
        var blockSize = random.Next(40, 400);

        var kinds = new List<SourceKind>();
        var modelSources = new List<IReadOnlyList<ModelRow>>();
        var rowsPerSource = new List<List<ModelRow>>();
        var sourceCount = random.Next(1, 6);
        for (var s = 0; s < sourceCount; s++)
        {
            kinds.Add((SourceKind)random.Next(5));
            rowsPerSource.Add(RandomRows(random, keySpace, random.Next(0, 60)));
        }

        // Built once; the scan is run twice when a cache is in play (the second run reads cached blocks).
        var memtables = new List<SlateFast.Memtables.Memtable>();
        var built = new List<Func<ScanDirection, KeyRange, IRowSource>>();
        for (var s = 0; s < sourceCount; s++)
        {
            var rows = rowsPerSource[s];
            switch (kinds[s])
            {
                case SourceKind.List:
                case SourceKind.YieldingList:
                {
                    var yielding = kinds[s] == SourceKind.YieldingList;
                    built.Add((d, r) => new ListRowSource(rows, d, r, yielding));
                    modelSources.Add(rows);
                    break;
                }

                case SourceKind.Memtable:
                {
                    var memtable = new SlateFast.Memtables.Memtable(1 << 20);
                    foreach (var row in rows)
                    {
                        memtable.Insert(row.Key, row.Seq, RowFlags.Encode(row.Kind, row.ExpireTs.HasValue, true), row.Value, 7, row.ExpireTs ?? 0);
                    }

                    memtables.Add(memtable);
                    built.Add((d, r) => MemtableRowSource.TryCreate(memtable, d, r)!);
                    modelSources.Add(rows);
                    break;
                }

                case SourceKind.L0:
                {
                    var (file, sst) = await TestSsts.WriteAsync(store, rows, blockSize);
                    var visible = random.Next(3) == 0 ? RandomBytesRange(random, keySpace) : null;
                    var view = new SstView(sst.Id, sst, visible);
                    built.Add((d, r) => RowSources.View(store, file, view, d, r, provider, options));
                    modelSources.Add(rows.Where(row => visible is null || visible.Contains(row.Key)).ToList());
                    break;
                }

                default:
                {
                    var cuts = Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(0, rows.Count + 1)).ToList();
                    var (run, files, contents) = await TestSsts.RunAsync(store, rows, cuts, blockSize);
                    run = WithRandomViewRanges(random, run, keySpace);
                    var visibleRows = run.Ssts.SelectMany(v => contents[v.Sst.Id].Where(row => v.VisibleRange is null || v.VisibleRange.Contains(row.Key))).ToList();
                    built.Add((d, r) => RowSources.SortedRun(store, run, (v, _) => ValueTask.FromResult(files[v.Sst.Id]), d, r, provider, options));
                    modelSources.Add(visibleRows);
                    break;
                }
            }
        }

        var seek = random.Next(2) == 0 ? Key(random.Next(keySpace + 1)) : null;
        var readBeforeSeek = random.Next(4);
        for (var pass = 0; pass < (cache is null ? 1 : 2); pass++)
        {
            var sources = built.Select(b => b(direction, range)).ToList();
            await using (var merge = new MergeIterator(sources, readSeq, direction))
            {
                var actual = new List<OutRow>();
                List<OutRow> expected;
                if (seek is null)
                {
                    while (await merge.MoveNextAsync())
                    {
                        actual.Add(OutRow.From(merge));
                    }

                    expected = MergeModel.Expected(modelSources, readSeq, direction, range);
                }
                else
                {
                    for (var i = 0; i < readBeforeSeek && await merge.MoveNextAsync(); i++)
                    {
                    }

                    if (await merge.SeekAsync(seek))
                    {
                        do
                        {
                            actual.Add(OutRow.From(merge));
                        }
                        while (await merge.MoveNextAsync());
                    }

                    expected = MergeModel.Expected(modelSources, readSeq, direction, range, seek);
                }

                Assert.Equal(expected, actual);
                Assert.False(await merge.MoveNextAsync());
            }
        }

        foreach (var memtable in memtables)
        {
            Assert.Equal(1, memtable.References);
            memtable.Release();
        }
    }

    // Restricts some views to part of their keys, as a compaction's partial views would.
    private static SortedRun WithRandomViewRanges(Random random, SortedRun run, int keySpace)
    {
        var views = run.Ssts.Select(v => random.Next(3) == 0 ? v with { VisibleRange = RandomBytesRange(random, keySpace) } : v);
        return run with { Ssts = [.. views] };
    }

    private static List<ModelRow> RandomRows(Random random, int keySpace, int count)
    {
        var rows = new Dictionary<(int, ulong), ModelRow>();
        for (var i = 0; i < count; i++)
        {
            var k = random.Next(keySpace);
            var seq = (ulong)random.Next(1, 64);
            var kind = random.Next(10) switch { < 6 => RowKind.Value, < 8 => RowKind.Tombstone, _ => RowKind.Merge };
            var value = kind == RowKind.Tombstone ? [] : RandomBytes(random, random.Next(0, 24));
            long? expire = kind != RowKind.Tombstone && random.Next(4) == 0 ? random.Next(1000, 2000) : null;
            rows.TryAdd((k, seq), new ModelRow(Key(k), seq, kind, value, expire));
        }

        return [.. rows.Values];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Key(int k) => ModelRow.Bytes($"k{k:d2}");

    private static KeyBound RandomBound(Random random, int keySpace, out int key)
    {
        key = random.Next(keySpace + 1);
        return random.Next(3) switch
        {
            0 => KeyBound.Unbounded,
            1 => KeyBound.Included(Key(key)),
            _ => KeyBound.Excluded(Key(key)),
        };
    }

    private static KeyRange RandomRange(Random random, int keySpace)
    {
        var a = RandomBound(random, keySpace, out var ka);
        var b = RandomBound(random, keySpace, out var kb);
        return ka <= kb ? new KeyRange(a, b) : new KeyRange(b, a);
    }

    private static BytesRange RandomBytesRange(Random random, int keySpace)
    {
        var range = RandomRange(random, keySpace);
        return new BytesRange(ToManifest(range.Start), ToManifest(range.End));
    }

    private static BytesBound ToManifest(KeyBound bound) => bound.Kind switch
    {
        KeyBoundKind.Included => BytesBound.Included(bound.Key),
        KeyBoundKind.Excluded => BytesBound.Excluded(bound.Key),
        _ => BytesBound.Unbounded,
    };
}
