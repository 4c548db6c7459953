using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using SlateFast.Format;
using SlateFast.Memory;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Sst;

/// <summary>Settings of an SST build.</summary>
/// <param name="BlockSize">Target size of a data block in bytes.</param>
/// <param name="Compression">Codec of every section.</param>
/// <param name="FilterBitsPerKey">Bloom filter bits per row.</param>
/// <param name="MinFilterKeys">Compacted SSTs with fewer rows get no filter (WAL SSTs never get one).</param>
/// <param name="Type">Compacted or WAL, which decides row order, first/last entry, filter and stats.</param>
/// <param name="FilterFormat">
/// <see cref="FilterFormat.Legacy"/>: SlateDB 0.12's bytes (raw bloom section, no
/// <c>filter_format</c> field). <see cref="FilterFormat.Composite"/>: SlateDB 0.13+'s, where every
/// SST, WAL and filterless ones included, declares the format and the bloom filter is a
/// one-entry composite block named <c>_bf</c>.
/// </param>
/// <param name="Transformer">Encodes every compressed section but the info (null: none).</param>
/// <param name="PrefixExtractor">
/// Also hashes each key's prefix into the bloom (composite format only), which is then named
/// <c>_bf:p=NAME</c> as SlateDB 0.13's <c>BloomFilterPolicy</c> names it.
/// </param>
/// <param name="WholeKeys">Hashes whole keys into the bloom (false only with a prefix extractor: <c>:wh=0</c>).</param>
internal readonly record struct SstBuildSettings(int BlockSize, CompressionCodec Compression, int FilterBitsPerKey, int MinFilterKeys, SstType Type, FilterFormat FilterFormat = FilterFormat.Legacy, IBlockTransformer? Transformer = null, IPrefixExtractor? PrefixExtractor = null, bool WholeKeys = true)
{
    public static SstBuildSettings Wal(CompressionCodec compression, int blockSize = 4096, FilterFormat filterFormat = FilterFormat.Legacy, IBlockTransformer? transformer = null) =>
        new(blockSize, compression, 10, int.MaxValue, SstType.Wal, filterFormat, transformer);

    /// <summary>The settings of the compacted SSTs a database writes (flushes, compactions, ingestion).</summary>
    public static SstBuildSettings Compacted(DbOptions options) =>
        new(options.BlockSize, options.Compression, options.FilterBitsPerKey, options.MinFilterKeys, SstType.Compacted, options.SstFilterFormat, options.BlockTransformer, options.FilterPrefixExtractor, options.WholeKeyFiltering);
}

/// <summary>
/// Builds one SST in SlateDB 0.12's layout (V2 blocks, then filter, index, stats, info and
/// footer) as a stream of bytes the caller drains: memory stays at about one block plus the
/// pending output, the index and the filter's key hashes, whatever the size of the SST.
/// </summary>
/// <remarks>
/// Compacted SSTs take rows in (key ascending, seq descending) order, strictly; WAL SSTs in
/// non-decreasing seq order with any keys. Block index keys, filter and stats follow spec §5.6–5.9
/// exactly, so the bytes equal what SlateDB writes for the same rows.
/// </remarks>
internal sealed class SstBuilder : IDisposable
{
    private readonly SstBuildSettings _settings;
    private readonly BlockBuilderV2 _block;
    // Block index entries are kept as raw (offset, key) records in pooled memory and turned into
    // the index flatbuffer only at Finish, so the commit path (which feeds WAL buffers) does no
    // flatbuffer work and no allocation per block.
    private readonly PooledBufferWriter _indexEntries = new(4096);
    private int _blockCount;
    private readonly BloomFilterBuilder? _filter;
    private readonly PooledBufferWriter _output = new(64 * 1024);
    private readonly PooledBufferWriter _blockStats = new(1024);
    private byte[] _lastKey = new byte[64];
    private int _lastKeyLength = -1;
    private ulong _lastSeq;
    private byte[] _prevBlockLastKey = new byte[64];
    private int _prevBlockLastKeyLength;
    private byte[]? _firstKey;
    private ulong _firstSeq;
    private ulong _blockFirstSeq;
    private long _drained;
    private int _blockPuts;
    private int _blockDeletes;
    private int _blockMerges;
    private bool _finished;
    private SlateFastException? _failure;

    // The last prefix hashed into the filter: rows come in key order, so a prefix is hashed once
    // per run of keys that share it, as SlateDB does (-1: none yet).
    private byte[] _lastPrefix = new byte[64];
    private int _lastPrefixLength = -1;

    public SstBuilder(SstBuildSettings settings)
    {
        if (settings.BlockSize is < 1 or > BlockLimits.MaxBlockSize)
        {
            ThrowHelper.Invalid($"block size must be 1..{BlockLimits.MaxBlockSize} bytes, got {settings.BlockSize}");
        }

        if (!Enum.IsDefined(settings.FilterFormat))
        {
            ThrowHelper.Invalid($"filter format {(byte)settings.FilterFormat} is not one SlateDB defines");
        }

        if ((settings.PrefixExtractor is not null || !settings.WholeKeys) && settings.FilterFormat != FilterFormat.Composite)
        {
            ThrowHelper.Invalid("prefix bloom filters need the composite filter format (SlateDB 0.13 or later)");
        }

        if (!settings.WholeKeys && settings.PrefixExtractor is null)
        {
            ThrowHelper.Invalid("a bloom filter without whole keys needs a prefix extractor");
        }

        _settings = settings;
        _block = new BlockBuilderV2(settings.BlockSize);
        if (settings.Type == SstType.Compacted)
        {
            _filter = new BloomFilterBuilder();
        }
    }

    public long Rows { get; private set; }

    public long Puts { get; private set; }

    public long Deletes { get; private set; }

    public long Merges { get; private set; }

    public long RawKeySize { get; private set; }

    public long RawValueSize { get; private set; }

    public int BlockCount => _blockCount;

    /// <summary>Bytes produced so far, drained or not.</summary>
    public long Position => _drained + _output.WrittenCount;

    /// <summary>Bytes waiting to be drained.</summary>
    public ReadOnlyMemory<byte> Pending => _output.WrittenMemory;

    /// <summary>The info written at <see cref="Finish"/>.</summary>
    public SsTableInfo? Info { get; private set; }

    public ReadOnlySpan<byte> FirstKey => _firstKey;

    public ReadOnlySpan<byte> LastKey => _lastKeyLength < 0 ? default : _lastKey.AsSpan(0, _lastKeyLength);

    /// <summary>Marks the pending bytes as written out.</summary>
    public void Drained()
    {
        _drained += _output.WrittenCount;
        _output.ResetWrittenCount();
    }

    public void Add(scoped in RowEntry row)
    {
        if (_finished)
        {
            ThrowHelper.Invalid("the SST is already finished");
        }

        ThrowIfFailed();

        if (row.Key.IsEmpty || row.Key.Length > BlockLimits.MaxKeyLength)
        {
            ThrowHelper.Invalid($"key length must be 1..{BlockLimits.MaxKeyLength} bytes, got {row.Key.Length}");
        }

        CheckOrder(row);
        if (!_block.TryAdd(row))
        {
            FinishBlock();
            if (!_block.TryAdd(row))
            {
                ThrowHelper.Internal("an empty block refused a row");
            }
        }

        if (_block.Count == 1)
        {
            _blockFirstSeq = row.Seq;
        }

        if (_firstKey is null)
        {
            _firstKey = row.Key.ToArray();
            _firstSeq = row.Seq;
        }

        Remember(row.Key, row.Seq);
        if (_filter is not null)
        {
            AddToFilter(_filter, row.Key);
        }

        Rows++;
        RawKeySize += row.Key.Length;
        switch (row.Kind)
        {
            case RowKind.Value:
                Puts++;
                _blockPuts++;
                RawValueSize += row.Value.Length;
                break;
            case RowKind.Tombstone:
                Deletes++;
                _blockDeletes++;
                break;
            default:
                Merges++;
                _blockMerges++;
                RawValueSize += row.Value.Length;
                break;
        }
    }

    /// <summary>Writes the last block, filter, index, stats, info and footer into the pending output.</summary>
    public SsTableInfo Finish()
    {
        if (_finished)
        {
            ThrowHelper.Invalid("the SST is already finished");
        }

        ThrowIfFailed();
        _finished = true;
        if (!_block.IsEmpty)
        {
            FinishBlock();
        }

        var codec = _settings.Compression;
        var filterOffset = (ulong)Position;
        var filterLength = 0UL;
        // No hashes (an extractor that gave no key a prefix, without whole keys): no filter, which
        // rules nothing out, rather than one of no bits.
        if (_filter is not null && _filter.Count > 0 && BloomFilterBuilder.ShouldBuild(Rows, _settings.MinFilterKeys))
        {
            var bloomLength = _filter.GetEncodedLength(_settings.FilterBitsPerKey);
            var composite = _settings.FilterFormat == FilterFormat.Composite;
            var name = FilterBlock.BloomName(_settings.PrefixExtractor?.Name, _settings.WholeKeys);
            var payload = new ArrayBufferWriter<byte>(composite ? FilterBlock.CompositeLength(name, bloomLength) : bloomLength);
            if (composite)
            {
                // The whole composite block is one section (one codec pass, one CRC), and the
                // offset/length conventions stay those of the legacy section.
                FilterBlock.WriteCount(payload, 1);
                FilterBlock.WriteEntryHeader(payload, name, bloomLength);
            }

            _filter.Build(_settings.FilterBitsPerKey, payload);
            filterLength = (ulong)SstSections.Write(payload.WrittenSpan, codec, _settings.Transformer, _output);
        }

        var indexOffset = (ulong)Position;
        var index = new SsTableIndexBuilder();
        var entries = _indexEntries.WrittenSpan;
        while (!entries.IsEmpty)
        {
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(entries);
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(entries[8..]);
            index.AddBlock(offset, entries.Slice(10, keyLength));
            entries = entries[(10 + keyLength)..];
        }

        var indexLength = (ulong)SstSections.Write(index.Finish(), codec, _settings.Transformer, _output);

        ulong statsOffset = 0, statsLength = 0;
        if (_settings.Type == SstType.Compacted)
        {
            statsOffset = (ulong)Position;
            var stats = new SstStats
            {
                Puts = (ulong)Puts,
                Deletes = (ulong)Deletes,
                Merges = (ulong)Merges,
                RawKeySize = (ulong)RawKeySize,
                RawValueSize = (ulong)RawValueSize,
                Blocks = [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, BlockStats>(_blockStats.WrittenSpan)],
            };
            statsLength = (ulong)SstSections.Write(SstStatsCodec.Encode(stats), codec, _settings.Transformer, _output);
        }

        ReadOnlyMemory<byte>? firstEntry = null, lastEntry = null;
        if (Rows > 0)
        {
            if (_settings.Type == SstType.Wal)
            {
                firstEntry = SeqKey(_firstSeq);
            }
            else
            {
                firstEntry = _firstKey;
                lastEntry = LastKey.ToArray();
            }
        }

        var info = new SsTableInfo
        {
            FirstEntry = firstEntry,
            LastEntry = lastEntry,
            IndexOffset = indexOffset,
            IndexLength = indexLength,
            FilterOffset = filterOffset,
            FilterLength = filterLength,
            Compression = codec,
            SstType = _settings.Type,
            StatsOffset = statsOffset,
            StatsLength = statsLength,
            FilterFormat = _settings.FilterFormat,
        };
        var metaOffset = (ulong)Position;
        SstSections.WriteUncompressed(SsTableInfoCodec.Encode(info), _output);
        SstSections.WriteFooter(metaOffset, SstSections.CurrentFormatVersion, _output);
        Info = info;
        return info;
    }

    public void Dispose()
    {
        _block.Dispose();
        _output.Dispose();
        _indexEntries.Dispose();
        _blockStats.Dispose();
    }

    private void AddIndexEntry(ulong offset, ReadOnlySpan<byte> key)
    {
        var span = _indexEntries.GetSpan(10 + key.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(span, offset);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)key.Length);
        key.CopyTo(span[10..]);
        _indexEntries.Advance(10 + key.Length);
    }

    private void FinishBlock()
    {
        var offset = (ulong)Position;
        if (_settings.Type == SstType.Wal)
        {
            Span<byte> seqKey = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(seqKey, _blockFirstSeq);
            AddIndexEntry(offset, seqKey);
        }
        else if (_blockCount == 0)
        {
            AddIndexEntry(offset, ReadOnlySpan<byte>.Empty);
        }
        else
        {
            AddIndexEntry(offset, IndexKey.ShortestSeparator(_prevBlockLastKey.AsSpan(0, _prevBlockLastKeyLength), _block.FirstKey));
        }

        var last = _block.LastKey;
        if (_prevBlockLastKey.Length < last.Length)
        {
            _prevBlockLastKey = new byte[Math.Max(last.Length, _prevBlockLastKey.Length * 2)];
        }

        last.CopyTo(_prevBlockLastKey);
        _prevBlockLastKeyLength = last.Length;
        WriteSection(_block.Finish());
        if (_settings.Type == SstType.Compacted)
        {
            var stats = new BlockStats((ushort)_blockPuts, (ushort)_blockDeletes, (ushort)_blockMerges);
            _blockStats.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<BlockStats>(in stats)));
        }

        _blockCount++;
        _blockPuts = _blockDeletes = _blockMerges = 0;
        _block.Reset();
    }

    private void WriteSection(ReadOnlySpan<byte> block)
    {
        if (_settings.Transformer is null)
        {
            SstSections.Write(block, _settings.Compression, null, _output);
            return;
        }

        try
        {
            SstSections.Write(block, _settings.Compression, _settings.Transformer, _output);
        }
        catch (SlateFastException e)
        {
            // The block's rows are gone from the stream: the builder must not finish an SST without them.
            _failure = e;
            throw;
        }
    }

    private void CheckOrder(scoped in RowEntry row)
    {
        if (_lastKeyLength < 0)
        {
            return;
        }

        if (_settings.Type == SstType.Wal)
        {
            if (row.Seq < _lastSeq)
            {
                ThrowHelper.Invalid($"WAL rows must be in sequence order: {row.Seq} after {_lastSeq}");
            }

            return;
        }

        var cmp = row.Key.SequenceCompareTo(LastKey);
        if (cmp < 0 || (cmp == 0 && row.Seq >= _lastSeq))
        {
            ThrowHelper.Invalid(cmp == 0
                ? $"rows of one key must have strictly decreasing sequence numbers: key {Convert.ToHexString(row.Key)} seq {row.Seq} after seq {_lastSeq}"
                : $"keys must be added in strictly increasing order: {Convert.ToHexString(row.Key)} after {Convert.ToHexString(LastKey)}");
        }
    }

    // SlateDB 0.13's bloom: the key's prefix (when the extractor gives one and it differs from the
    // last row's), then the whole key (unless whole-key filtering is off).
    private void AddToFilter(BloomFilterBuilder filter, ReadOnlySpan<byte> key)
    {
        if (_settings.PrefixExtractor is { } extractor)
        {
            int n = extractor.PrefixLength(key, PrefixTarget.Point);
            if (n > key.Length)
            {
                ThrowHelper.Invalid($"prefix extractor '{extractor.Name}' gave a key of {key.Length} bytes a prefix of {n}");
            }

            if (n >= 0)
            {
                var prefix = key[..n];
                if (_lastPrefixLength != n || !prefix.SequenceEqual(_lastPrefix.AsSpan(0, n)))
                {
                    filter.Add(prefix);
                    if (_lastPrefix.Length < n)
                    {
                        _lastPrefix = new byte[Math.Max(n, _lastPrefix.Length * 2)];
                    }

                    prefix.CopyTo(_lastPrefix);
                    _lastPrefixLength = n;
                }
            }
        }

        if (_settings.WholeKeys)
        {
            filter.Add(key);
        }
    }

    private void Remember(ReadOnlySpan<byte> key, ulong seq)
    {
        if (_lastKey.Length < key.Length)
        {
            _lastKey = new byte[Math.Max(key.Length, _lastKey.Length * 2)];
        }

        key.CopyTo(_lastKey);
        _lastKeyLength = key.Length;
        _lastSeq = seq;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            ThrowHelper.Data($"the SST lost a block when the block transformer failed earlier: {_failure.Message}", _failure);
        }
    }

    private static byte[] SeqKey(ulong seq)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, seq);
        return key;
    }
}
