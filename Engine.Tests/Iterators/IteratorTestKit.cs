using System.Collections.Immutable;
using SlateFast.Format;
using SlateFast.Iterators;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Iterators;

/// <summary>One version of a key, as tests write it and as the model reads it.</summary>
internal sealed record ModelRow(byte[] Key, ulong Seq, RowKind Kind, byte[] Value, long? ExpireTs = null)
{
    public static ModelRow Put(string key, ulong seq, string value, long? expireTs = null) => new(Bytes(key), seq, RowKind.Value, Bytes(value), expireTs);

    public static ModelRow Delete(string key, ulong seq) => new(Bytes(key), seq, RowKind.Tombstone, []);

    public static ModelRow Merge(string key, ulong seq, string operand, long? expireTs = null) => new(Bytes(key), seq, RowKind.Merge, Bytes(operand), expireTs);

    public static byte[] Bytes(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    public override string ToString() => $"{System.Text.Encoding.ASCII.GetString(Key)}@{Seq}:{Kind}={Convert.ToHexString(Value)}";
}

/// <summary>What a merge iterator hands out for one key, copied.</summary>
internal sealed record OutRow(string Key, ulong Seq, RowKind Kind, string Value, string Operands, string? Base, long? ExpireTs)
{
    public static OutRow From(MergeIterator it)
    {
        var operands = new List<string>();
        for (var i = 0; i < it.OperandCount; i++)
        {
            operands.Add(Convert.ToHexString(it.Operand(i)));
        }

        return new OutRow(Convert.ToHexString(it.Key), it.Seq, it.Kind, Convert.ToHexString(it.Value), string.Join(",", operands), it.HasBase ? Convert.ToHexString(it.Base) : null, it.ExpireTs);
    }
}

internal static class RowOrder
{
    /// <summary>(key asc, seq desc): the order of memtables and SSTs.</summary>
    public static int Stored(ModelRow a, ModelRow b)
    {
        var c = a.Key.AsSpan().SequenceCompareTo(b.Key);
        return c != 0 ? c : b.Seq.CompareTo(a.Seq);
    }

    /// <summary>The order a source hands rows out in: keys in the direction, versions newest first.</summary>
    public static List<ModelRow> InDirection(IEnumerable<ModelRow> rows, ScanDirection direction)
    {
        var list = rows.ToList();
        list.Sort((a, b) =>
        {
            var c = a.Key.AsSpan().SequenceCompareTo(b.Key);
            if (direction == ScanDirection.Descending)
            {
                c = -c;
            }

            return c != 0 ? c : b.Seq.CompareTo(a.Seq);
        });
        return list;
    }
}

/// <summary>The reference semantics of a merged read (spec §9.5), written the slow, obvious way.</summary>
internal static class MergeModel
{
    public static List<OutRow> Expected(IReadOnlyList<IReadOnlyList<ModelRow>> sourcesNewestFirst, ulong readSeq, ScanDirection direction, KeyRange range, byte[]? seek = null)
    {
        // Each (key, seq) once, from the earliest source that has it.
        var versions = new Dictionary<(string, ulong), ModelRow>();
        foreach (var source in sourcesNewestFirst)
        {
            foreach (var row in source)
            {
                if (row.Seq <= readSeq && range.Contains(row.Key))
                {
                    versions.TryAdd((Convert.ToHexString(row.Key), row.Seq), row);
                }
            }
        }

        var result = new List<OutRow>();
        foreach (var group in versions.Values.GroupBy(r => Convert.ToHexString(r.Key)))
        {
            var key = group.First().Key;
            if (seek is not null && (direction == ScanDirection.Ascending ? key.AsSpan().SequenceCompareTo(seek) < 0 : key.AsSpan().SequenceCompareTo(seek) > 0))
            {
                continue;
            }

            var newestFirst = group.OrderByDescending(r => r.Seq).ToList();
            var newest = newestFirst[0];
            if (newest.Kind == RowKind.Tombstone)
            {
                continue;
            }

            if (newest.Kind == RowKind.Value)
            {
                result.Add(new OutRow(group.Key, newest.Seq, RowKind.Value, Convert.ToHexString(newest.Value), "", null, newest.ExpireTs));
                continue;
            }

            var operands = new List<string>();
            string? baseValue = null;
            long? expire = null;
            foreach (var row in newestFirst)
            {
                if (row.Kind == RowKind.Tombstone)
                {
                    break;
                }

                if (row.ExpireTs is { } e && (expire is null || e < expire))
                {
                    expire = e;
                }

                if (row.Kind == RowKind.Value)
                {
                    baseValue = Convert.ToHexString(row.Value);
                    break;
                }

                operands.Add(Convert.ToHexString(row.Value));
            }

            result.Add(new OutRow(group.Key, newest.Seq, RowKind.Merge, operands[0], string.Join(",", operands), baseValue, expire));
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key) * (direction == ScanDirection.Ascending ? 1 : -1));
        return result;
    }
}

/// <summary>
/// A source over a list of rows, optionally completing every move asynchronously to drive the
/// merge iterator's slow paths.
/// </summary>
internal sealed class ListRowSource : IRowSource
{
    private readonly List<ModelRow> _rows;
    private readonly bool _yield;
    private int _position = -1;

    public ListRowSource(IEnumerable<ModelRow> rows, ScanDirection direction, KeyRange? range = null, bool yieldEveryMove = false)
    {
        range ??= KeyRange.All;
        _rows = RowOrder.InDirection(rows.Where(r => range.Contains(r.Key)), direction);
        Direction = direction;
        _yield = yieldEveryMove;
    }

    public bool Disposed { get; private set; }

    public ScanDirection Direction { get; }

    public bool IsValid => _position >= 0 && _position < _rows.Count;

    private ModelRow Row => _rows[_position];

    public ReadOnlySpan<byte> Key => Row.Key;

    public ReadOnlySpan<byte> Value => Row.Value;

    public ulong Seq => Row.Seq;

    public RowKind Kind => Row.Kind;

    public long? CreateTs => null;

    public long? ExpireTs => Row.ExpireTs;

    public async ValueTask<bool> MoveNextAsync()
    {
        if (_yield)
        {
            await Task.Yield();
        }

        _position = Math.Min(_position + 1, _rows.Count);
        return IsValid;
    }

    public async ValueTask<bool> SeekAsync(ReadOnlyMemory<byte> key)
    {
        if (_yield)
        {
            await Task.Yield();
        }

        var target = key.ToArray();
        _position = _rows.FindIndex(r => Direction == ScanDirection.Ascending
            ? r.Key.AsSpan().SequenceCompareTo(target) >= 0
            : r.Key.AsSpan().SequenceCompareTo(target) <= 0);
        if (_position < 0)
        {
            _position = _rows.Count;
        }

        return IsValid;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Counts ranged reads and can make every store call complete asynchronously.</summary>
internal sealed class CountingStore(IObjectStore inner, bool yieldEveryCall = false) : ObjectStoreDecorator(inner)
{
    private int _rangeReads;

    public int RangeReads => Volatile.Read(ref _rangeReads);

    public override ValueTask<ReadOnlyMemory<byte>> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _rangeReads);
        return base.GetRangeAsync(path, offset, length, cancellationToken);
    }

    protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        if (yieldEveryCall)
        {
            await Task.Yield();
        }

        return await call(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Writes compacted SSTs with <see cref="SstBuilder"/> and describes them as the manifest would.</summary>
internal static class TestSsts
{
    private static long _next;

    public static async Task<(SstFile File, CompactedSst Sst)> WriteAsync(IObjectStore store, IEnumerable<ModelRow> rows, int blockSize = 128, CompressionCodec codec = CompressionCodec.None)
    {
        var sorted = rows.ToList();
        sorted.Sort(RowOrder.Stored);
        var id = new Ulid(0x0190_0000_0000_0000UL | (ulong)Interlocked.Increment(ref _next), (ulong)Random.Shared.NextInt64());
        var path = DbPaths.CompactedSstPath("db", id);
        using var builder = new SstBuilder(new SstBuildSettings(blockSize, codec, 10, 1000, SstType.Compacted));
        foreach (var row in sorted)
        {
            builder.Add(new RowEntry(row.Key, row.Value, row.Seq, row.Kind, row.ExpireTs, createTs: 7));
        }

        var info = builder.Finish();
        await store.PutAsync(path, builder.Pending.ToArray());
        var file = await SstFile.OpenAsync(store, path);
        return (file, new CompactedSst(id, info, CompactedSst.CurrentFormatVersion));
    }

    /// <summary>
    /// A sorted run of the rows cut into consecutive SSTs at the given row positions, so one key's
    /// versions may end one SST and start the next. Returns the run, its opened files and each SST's rows.
    /// </summary>
    public static async Task<(SortedRun Run, Dictionary<Ulid, SstFile> Files, Dictionary<Ulid, List<ModelRow>> Rows)> RunAsync(IObjectStore store, IEnumerable<ModelRow> rows, IReadOnlyList<int> cuts, int blockSize = 128)
    {
        var sorted = rows.ToList();
        sorted.Sort(RowOrder.Stored);
        var views = ImmutableArray.CreateBuilder<SstView>();
        var files = new Dictionary<Ulid, SstFile>();
        var contents = new Dictionary<Ulid, List<ModelRow>>();
        var start = 0;
        foreach (var end in cuts.Append(sorted.Count).Distinct().Order())
        {
            if (end <= start)
            {
                continue;
            }

            var chunk = sorted.Skip(start).Take(end - start).ToList();
            var (file, sst) = await WriteAsync(store, chunk, blockSize);
            views.Add(SstView.Whole(sst));
            files[sst.Id] = file;
            contents[sst.Id] = chunk;
            start = end;
        }

        return (new SortedRun(1, views.ToImmutable()), files, contents);
    }
}
