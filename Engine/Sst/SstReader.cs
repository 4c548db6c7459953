using System.Runtime.CompilerServices;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Format.Blocks;

namespace SlateFast.Sst;

/// <summary>One row read from an SST.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value or merge operand; empty for tombstones.</param>
/// <param name="Seq">The sequence number.</param>
/// <param name="Kind">Value, tombstone or merge operand.</param>
/// <param name="CreateTs">Creation time in ms since the Unix epoch, when recorded.</param>
/// <param name="ExpireTs">Expiry time in ms since the Unix epoch, when the row has a TTL.</param>
public sealed record SstRow(byte[] Key, byte[] Value, ulong Seq, RowKind Kind, long? CreateTs, long? ExpireTs);

/// <summary>What an SST file says about itself.</summary>
/// <param name="Path">The object path.</param>
/// <param name="SizeBytes">The object's size.</param>
/// <param name="FormatVersion">The footer's format version (1 or 2).</param>
/// <param name="IsWal">Whether it is a WAL SST (rows in sequence order, indexed by sequence number).</param>
/// <param name="Compression">The codec of its sections.</param>
/// <param name="FirstEntry">First key (compacted) or 8-byte big-endian first sequence number (WAL); null when empty.</param>
/// <param name="LastEntry">Last key (compacted); null for WAL SSTs and empty files.</param>
/// <param name="BlockCount">Number of data blocks.</param>
/// <param name="FilterBytes">Stored size of the bloom filter section; 0 when there is none.</param>
/// <param name="IndexOffset">Offset of the index section.</param>
/// <param name="IndexBytes">Stored size of the index section.</param>
/// <param name="StatsOffset">Offset of the stats section (0 when absent).</param>
/// <param name="StatsBytes">Stored size of the stats section (0 when absent).</param>
/// <param name="Puts">Value rows, from the stats section (null when absent).</param>
/// <param name="Deletes">Tombstone rows, from the stats section.</param>
/// <param name="Merges">Merge operand rows, from the stats section.</param>
/// <param name="RawKeyBytes">Sum of key lengths, from the stats section.</param>
/// <param name="RawValueBytes">Sum of value lengths, from the stats section.</param>
public sealed record SstProperties(
    string Path,
    long SizeBytes,
    int FormatVersion,
    bool IsWal,
    CompressionCodec Compression,
    byte[]? FirstEntry,
    byte[]? LastEntry,
    int BlockCount,
    long FilterBytes,
    long IndexOffset,
    long IndexBytes,
    long StatsOffset,
    long StatsBytes,
    long? Puts,
    long? Deletes,
    long? Merges,
    long? RawKeyBytes,
    long? RawValueBytes)
{
    /// <summary>Whether the info declares SlateDB 0.13's composite filter layout (a list of named filters).</summary>
    public bool CompositeFilter { get; init; }

    /// <summary>The names of the filters in a composite filter section, in order (empty for a legacy one).</summary>
    public IReadOnlyList<string> FilterNames { get; init; } = [];
}

/// <summary>A data block's place in the file.</summary>
/// <param name="Offset">Byte offset of the block.</param>
/// <param name="StoredBytes">Stored length, checksum included.</param>
/// <param name="IndexKey">The index key of the block (a separator key, or a big-endian sequence number for WAL SSTs).</param>
public sealed record SstBlockInfo(long Offset, int StoredBytes, byte[] IndexKey);

/// <summary>
/// Reads any SST written by SlateDB or SlateFast: its properties, its rows in order, seeks, and
/// point lookups through the bloom filter. Every block's checksum is verified as it is read.
/// </summary>
public sealed class SstReader
{
    private readonly SstFile _file;

    private SstReader(SstFile file) => _file = file;

    /// <summary>Opens the SST at <paramref name="path"/>. Corrupt or foreign bytes are <see cref="ErrorKind.Data"/>.</summary>
    public static async ValueTask<SstReader> OpenAsync(IObjectStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ObjectPath.Validate(path);
        return new SstReader(await SstFile.OpenAsync(store, path, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    internal SstFile File => _file;

    /// <summary>The file's info and stats.</summary>
    public SstProperties Properties
    {
        get
        {
            var info = _file.Info;
            var stats = _file.Stats;
            return new SstProperties(
                _file.Path,
                _file.Size,
                _file.FooterVersion,
                info.SstType == SstType.Wal,
                info.Compression,
                info.FirstEntry?.ToArray(),
                info.LastEntry?.ToArray(),
                _file.BlockCount,
                (long)info.FilterLength,
                (long)info.IndexOffset,
                (long)info.IndexLength,
                (long)info.StatsOffset,
                (long)info.StatsLength,
                (long?)stats?.Puts,
                (long?)stats?.Deletes,
                (long?)stats?.Merges,
                (long?)stats?.RawKeySize,
                (long?)stats?.RawValueSize)
            {
                CompositeFilter = info.FilterFormat == FilterFormat.Composite,
                FilterNames = _file.FilterNames,
            };
        }
    }

    /// <summary>The data blocks as the index lists them.</summary>
    public IReadOnlyList<SstBlockInfo> Blocks =>
        Enumerable.Range(0, _file.BlockCount).Select(i =>
        {
            var (offset, length) = _file.BlockRange(i);
            return new SstBlockInfo(offset, length, _file.Index.FirstKey(i).ToArray());
        }).ToList();

    /// <summary>Whether the bloom filter admits <paramref name="key"/> (true when the file has no filter).</summary>
    public bool MightContain(ReadOnlySpan<byte> key) => _file.Filters.MayContainKey(key, extractor: null);

    /// <summary>
    /// Every row in file order, or, for compacted SSTs, from the first row whose key is at least
    /// <paramref name="from"/>.
    /// </summary>
    public async IAsyncEnumerable<SstRow> ReadRowsAsync(ReadOnlyMemory<byte>? from = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var start = 0;
        if (from is { } seekKey)
        {
            RequireSorted("seek");
            start = _file.Index.FindBlock(seekKey.Span);
        }

        var iterator = new BlockIterator();
        for (var block = start; block < _file.BlockCount; block++)
        {
            var bytes = await _file.ReadBlockAsync(block, cancellationToken).ConfigureAwait(false);
            var rows = Decode(iterator, bytes, block == start ? from : null);
            foreach (var row in rows)
            {
                yield return row;
            }
        }
    }

    /// <summary>
    /// The newest row of <paramref name="key"/> with a sequence number at most <paramref name="maxSeq"/>,
    /// or null. Skips the file without reading a block when the bloom filter rules the key out.
    /// </summary>
    public async ValueTask<SstRow?> GetAsync(ReadOnlyMemory<byte> key, ulong maxSeq = ulong.MaxValue, CancellationToken cancellationToken = default)
    {
        RequireSorted("point lookups");
        if (!MightContain(key.Span))
        {
            return null;
        }

        var iterator = new BlockIterator();
        for (var block = _file.Index.FindBlock(key.Span); block < _file.BlockCount; block++)
        {
            var bytes = await _file.ReadBlockAsync(block, cancellationToken).ConfigureAwait(false);
            var (found, passed) = Find(iterator, bytes, key.Span, maxSeq);
            if (found is not null || passed)
            {
                return found;
            }
        }

        return null;
    }

    private void RequireSorted(string what)
    {
        if (_file.Info.SstType == SstType.Wal)
        {
            ThrowHelper.Invalid($"{_file.Path}: {what} need a compacted SST; WAL SST rows are in sequence order");
        }
    }

    private List<SstRow> Decode(BlockIterator iterator, ReadOnlyMemory<byte> block, ReadOnlyMemory<byte>? from)
    {
        iterator.Reset(block, _file.Format);
        var rows = new List<SstRow>();
        var valid = from is { } key ? iterator.Seek(key.Span) : iterator.SeekToFirst();
        for (; valid; valid = iterator.MoveNext())
        {
            rows.Add(ToRow(iterator));
        }

        return rows;
    }

    // Returns the match, or whether the scan went past the key (so later blocks cannot hold it).
    private (SstRow? Found, bool Passed) Find(BlockIterator iterator, ReadOnlyMemory<byte> block, ReadOnlySpan<byte> key, ulong maxSeq)
    {
        iterator.Reset(block, _file.Format);
        for (var valid = iterator.Seek(key); valid; valid = iterator.MoveNext())
        {
            var cmp = iterator.Key.SequenceCompareTo(key);
            if (cmp > 0)
            {
                return (null, true);
            }

            if (cmp == 0 && iterator.Seq <= maxSeq)
            {
                return (ToRow(iterator), true);
            }
        }

        return (null, false);
    }

    private static SstRow ToRow(BlockIterator it) =>
        new(it.Key.ToArray(), it.Value.ToArray(), it.Seq, it.Kind, it.CreateTs, it.ExpireTs);
}
