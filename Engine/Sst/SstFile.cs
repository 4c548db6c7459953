using System.Buffers.Binary;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Format.Blocks;

namespace SlateFast.Sst;

/// <summary>
/// An opened SST: its footer, info, index, filter and stats are read and validated once; data
/// blocks are read on demand, their checksums verified on every read.
/// </summary>
/// <remarks>
/// Opening reads the tail of the object in one ranged request (which usually holds info, stats,
/// index and filter) and fetches whatever the tail did not cover. Every offset and length from
/// the file is checked against the object's real size before anything is allocated from it.
/// </remarks>
internal sealed class SstFile
{
    /// <summary>The first read at open: enough for the metadata of typical SSTs.</summary>
    private const int TailReadSize = 64 * 1024;

    /// <summary>Default bound on a decompressed block or metadata section.</summary>
    public const int DefaultMaxSectionSize = 256 * 1024 * 1024;

    /// <summary>What an opened SST costs beyond its sections: the objects, the path, the task.</summary>
    private const int FixedOverheadBytes = 512;

    private readonly IObjectStore _store;
    private readonly int _maxSectionSize;
    private readonly IBlockTransformer? _transformer;

    private SstFile(IObjectStore store, string path, long size, ushort footerVersion, BlockFormat format, SsTableInfo info, SsTableIndex index, FilterSection filter, SstStats? stats, int maxSectionSize, IBlockTransformer? transformer)
    {
        _transformer = transformer;
        _store = store;
        Path = path;
        Size = size;
        FooterVersion = footerVersion;
        Format = format;
        Info = info;
        Index = index;
        Filter = filter.Filter;
        Filters = filter;
        FilterNames = filter.Names;
        Stats = stats;
        _maxSectionSize = maxSectionSize;
    }

    public string Path { get; }

    public long Size { get; }

    public ushort FooterVersion { get; }

    /// <summary>The row and block codec: from the manifest entry for compacted SSTs, else from the footer.</summary>
    public BlockFormat Format { get; }

    public SsTableInfo Info { get; }

    public SsTableIndex Index { get; }

    /// <summary>
    /// The whole-key bloom filter point reads consult: a legacy section's filter, or a composite
    /// section's filter named <c>_bf</c>; null when there is none (see <see cref="FilterBlock"/>).
    /// </summary>
    public BloomFilter? Filter { get; }

    /// <summary>Every filter SlateFast can use of the SST's filter section: what point reads and prefix scans ask (<see cref="FilterSection.MayContainKey"/>, <see cref="FilterSection.MayContainPrefix"/>).</summary>
    public FilterSection Filters { get; }

    /// <summary>Names of the filters of a composite filter section, used or not; empty for a legacy section or none.</summary>
    public IReadOnlyList<string> FilterNames { get; }

    public SstStats? Stats { get; }

    public int BlockCount => Index.BlockCount;

    /// <summary>
    /// Memory this opened SST keeps: its decoded index, filter, info and stats plus a fixed
    /// allowance for the objects around them; what the table cache charges to the metadata budget.
    /// </summary>
    public long MetadataBytes { get; private init; }

    /// <summary>
    /// Opens the SST. <paramref name="formatVersion"/> overrides the footer's version (manifest
    /// entries carry it); <paramref name="transformer"/> decodes its sections (not the info).
    /// </summary>
    public static async ValueTask<SstFile> OpenAsync(IObjectStore store, string path, ushort? formatVersion = null, int maxSectionSize = DefaultMaxSectionSize, IBlockTransformer? transformer = null, CancellationToken cancellationToken = default)
    {
        var head = await store.HeadAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(path);
        var size = head.Size;
        if (size <= SstSections.FooterLength + SstSections.ChecksumLength)
        {
            ThrowHelper.Data($"{path}: {size} bytes is too short to be an SST");
        }

        var tailStart = Math.Max(0, size - TailReadSize);
        var tail = await ReadExactlyAsync(store, path, tailStart, (int)(size - tailStart), cancellationToken).ConfigureAwait(false);

        var footer = tail.Span[^SstSections.FooterLength..];
        var metaOffset = BinaryPrimitives.ReadUInt64BigEndian(footer);
        var footerVersion = BinaryPrimitives.ReadUInt16BigEndian(footer[8..]);
        if (footerVersion is not (1 or 2))
        {
            ThrowHelper.Data(footerVersion > 2
                ? $"{path}: SST format version {footerVersion} was written by a newer SlateDB than this SlateFast reads (it reads 1 and 2)"
                : $"{path}: unsupported SST format version {footerVersion}");
        }

        var infoEnd = size - SstSections.FooterLength;
        if (metaOffset >= (ulong)(infoEnd - SstSections.ChecksumLength))
        {
            ThrowHelper.Data($"{path}: info offset {metaOffset} is outside the file of {size} bytes");
        }

        var infoStored = await SliceAsync(store, path, tail, tailStart, (long)metaOffset, infoEnd, cancellationToken).ConfigureAwait(false);
        var infoBytes = SstSections.Read(infoStored, CompressionCodec.None, null, path, (long)metaOffset, "info", int.MaxValue);
        var info = Decode(path, "info", () => SsTableInfoCodec.Decode(infoBytes.Span));
        var codec = info.Compression;

        CheckSection(path, "index", info.IndexOffset, info.IndexLength, metaOffset, required: true);
        CheckSection(path, "filter", info.FilterOffset, info.FilterLength, metaOffset, required: false);
        CheckSection(path, "stats", info.StatsOffset, info.StatsLength, metaOffset, required: false);
        if (info.FilterOffset > info.IndexOffset)
        {
            ThrowHelper.Data($"{path}: filter offset {info.FilterOffset} is after the index at {info.IndexOffset}");
        }

        var maxSection = maxSectionSize;
        var indexStored = await SliceAsync(store, path, tail, tailStart, (long)info.IndexOffset, (long)(info.IndexOffset + info.IndexLength), cancellationToken).ConfigureAwait(false);
        var indexBytes = Own(SstSections.Read(indexStored, codec, transformer, path, (long)info.IndexOffset, "index", maxSection));
        var index = Decode(path, "index", () => SsTableIndex.Decode(indexBytes));
        long metadataBytes = FixedOverheadBytes + indexBytes.Length + index.ExtraBytes + infoBytes.Length;

        var filter = FilterSection.None;
        if (info.FilterLength > 0)
        {
            var filterStored = await SliceAsync(store, path, tail, tailStart, (long)info.FilterOffset, (long)(info.FilterOffset + info.FilterLength), cancellationToken).ConfigureAwait(false);
            var filterBytes = SstSections.Read(filterStored, codec, transformer, path, (long)info.FilterOffset, "filter", maxSection);

            // A legacy filter wraps the section itself; a composite block's chosen filter is copied out of it.
            filter = FilterBlock.Decode(info.FilterFormat == FilterFormat.Legacy ? Own(filterBytes) : filterBytes, info.FilterFormat, path, (long)info.FilterOffset);
            metadataBytes += filter.RetainedBytes;
        }

        SstStats? stats = null;
        if (info.StatsLength > 0)
        {
            var statsStored = await SliceAsync(store, path, tail, tailStart, (long)info.StatsOffset, (long)(info.StatsOffset + info.StatsLength), cancellationToken).ConfigureAwait(false);
            var statsBytes = SstSections.Read(statsStored, codec, transformer, path, (long)info.StatsOffset, "stats", maxSection);
            stats = Decode(path, "stats", () => SstStatsCodec.Decode(statsBytes.Span));
            metadataBytes += statsBytes.Length;
        }

        CheckBlocks(path, index, info);
        var version = formatVersion ?? footerVersion;
        var format = version switch
        {
            1 => BlockFormat.V1,
            2 => BlockFormat.V2,
            _ => ThrowHelper.Data<BlockFormat>($"{path}: unsupported SST format version {version}"),
        };
        return new SstFile(store, path, size, footerVersion, format, info, index, filter, stats, maxSectionSize, transformer) { MetadataBytes = metadataBytes };
    }

    /// <summary>Offset and stored length (CRC included) of block <paramref name="block"/>.</summary>
    public (long Offset, int Length) BlockRange(int block)
    {
        var start = (long)Index.BlockOffset(block);
        var end = block + 1 < BlockCount ? (long)Index.BlockOffset(block + 1) : (long)Info.FilterOffset;
        return (start, (int)(end - start));
    }

    /// <summary>Reads, verifies, decodes and decompresses one data block.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadBlockAsync(int block, CancellationToken cancellationToken = default)
    {
        if ((uint)block >= (uint)BlockCount)
        {
            ThrowHelper.Invalid($"{Path}: block {block} does not exist (the SST has {BlockCount})");
        }

        var (offset, length) = BlockRange(block);
        var stored = await ReadExactlyAsync(_store, Path, offset, length, cancellationToken).ConfigureAwait(false);
        return DecodeBlock(block, stored);
    }

    /// <summary>Verifies and decompresses a block read by the caller (for batched read-ahead).</summary>
    public ReadOnlyMemory<byte> DecodeBlock(int block, ReadOnlyMemory<byte> stored) =>
        SstSections.Read(stored, Info.Compression, _transformer, Path, (long)Index.BlockOffset(block), $"block {block}", _maxSectionSize);

    // An uncompressed section is a slice of the read that fetched it (often the 64 KiB tail); kept
    // as is, it would pin the whole read and make the metadata charge a lie.
    private static ReadOnlyMemory<byte> Own(ReadOnlyMemory<byte> section) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(section, out var segment) && segment.Array!.Length == segment.Count
            ? section
            : section.ToArray();

    private static void CheckSection(string path, string what, ulong offset, ulong length, ulong metaOffset, bool required)
    {
        if (length == 0 && !required)
        {
            return;
        }

        if (length < SstSections.ChecksumLength || offset > metaOffset || length > metaOffset - offset || length > int.MaxValue)
        {
            ThrowHelper.Data($"{path}: {what} section at {offset} with length {length} does not fit before the info at {metaOffset}");
        }
    }

    private static void CheckBlocks(string path, SsTableIndex index, SsTableInfo info)
    {
        var previous = 0UL;
        for (var i = 0; i < index.BlockCount; i++)
        {
            var offset = index.BlockOffset(i);
            if ((i == 0 && offset != 0) || (i > 0 && (offset < previous || offset - previous < SstSections.ChecksumLength || offset - previous > int.MaxValue)))
            {
                ThrowHelper.Data($"{path}: block {i} starts at {offset}, which does not follow the previous block at {previous}");
            }

            previous = offset;
        }

        // Differences, not sums: an offset near 2^64 must not wrap past these checks.
        if (index.BlockCount > 0 && (info.FilterOffset < previous || info.FilterOffset - previous < SstSections.ChecksumLength || info.FilterOffset - previous > int.MaxValue))
        {
            ThrowHelper.Data($"{path}: the last block at {previous} does not end before the filter offset {info.FilterOffset}");
        }
    }

    private static T Decode<T>(string path, string what, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            throw new SlateFastException(ErrorKind.Data, $"{path}: bad {what}: {e.Message}", e);
        }
    }

    // A section inside the tail we already hold is sliced; otherwise it is fetched.
    private static async ValueTask<ReadOnlyMemory<byte>> SliceAsync(IObjectStore store, string path, ReadOnlyMemory<byte> tail, long tailStart, long start, long end, CancellationToken cancellationToken)
    {
        if (start >= tailStart)
        {
            return tail[(int)(start - tailStart)..(int)(end - tailStart)];
        }

        return await ReadExactlyAsync(store, path, start, checked((int)(end - start)), cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ReadExactlyAsync(IObjectStore store, string path, long offset, int length, CancellationToken cancellationToken)
    {
        var bytes = await store.GetRangeAsync(path, offset, length, cancellationToken).ConfigureAwait(false);
        if (bytes.Length != length)
        {
            ThrowHelper.Data($"{path}: expected {length} bytes at offset {offset}, the object has only {bytes.Length} there");
        }

        return bytes;
    }
}
