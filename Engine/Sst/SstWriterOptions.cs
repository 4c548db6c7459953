namespace SlateFast.Sst;

/// <summary>Settings of an <see cref="SstWriter"/>, independent of any database.</summary>
public sealed record SstWriterOptions
{
    /// <summary>Target size of a data block in bytes, 1..65,536 (SlateDB's default is 4,096).</summary>
    public int BlockSize { get; init; } = 4096;

    /// <summary>The codec for data blocks, filter, index and stats.</summary>
    public CompressionCodec Compression { get; init; } = CompressionCodec.None;

    /// <summary>Bloom filter bits per key (SlateDB's default is 10).</summary>
    public int FilterBitsPerKey { get; init; } = 10;

    /// <summary>Files with fewer rows than this get no bloom filter (SlateDB's default is 1,000).</summary>
    public int MinFilterKeys { get; init; } = 1000;

    /// <summary>
    /// The filter layout: <see cref="FilterFormat.Legacy"/> (default) is SlateDB 0.12's bytes,
    /// <see cref="FilterFormat.Composite"/> SlateDB 0.13+'s. Internal until databases record a
    /// format level the caller can match.
    /// </summary>
    internal FilterFormat FilterFormat { get; init; } = FilterFormat.Legacy;

    internal void Validate()
    {
        if (BlockSize is < 1 or > 65536)
        {
            ThrowHelper.Invalid($"SstWriterOptions.BlockSize must be 1..65536 bytes, got {BlockSize}");
        }

        if (FilterBitsPerKey is < 1 or > 64)
        {
            ThrowHelper.Invalid($"SstWriterOptions.FilterBitsPerKey must be 1..64, got {FilterBitsPerKey}");
        }

        if (MinFilterKeys < 0)
        {
            ThrowHelper.Invalid($"SstWriterOptions.MinFilterKeys must not be negative, got {MinFilterKeys}");
        }

        if (!Enum.IsDefined(FilterFormat))
        {
            ThrowHelper.Invalid($"SstWriterOptions.FilterFormat {(byte)FilterFormat} is not a filter format");
        }

        if (!Enum.IsDefined(Compression))
        {
            ThrowHelper.Invalid($"SstWriterOptions.Compression {(int)Compression} is not a codec");
        }
    }
}

/// <summary>What an <see cref="SstWriter"/> wrote, available after <see cref="SstWriter.CloseAsync"/>.</summary>
/// <param name="Path">The object path of the SST.</param>
/// <param name="FirstKey">The smallest key, or null for an empty file.</param>
/// <param name="LastKey">The largest key, or null for an empty file.</param>
/// <param name="Puts">Rows holding a value.</param>
/// <param name="Deletes">Tombstone rows.</param>
/// <param name="Merges">Merge operand rows.</param>
/// <param name="SizeBytes">The size of the object.</param>
/// <param name="BlockCount">The number of data blocks.</param>
public sealed record SstMetadata(string Path, byte[]? FirstKey, byte[]? LastKey, long Puts, long Deletes, long Merges, long SizeBytes, int BlockCount)
{
    internal SsTableInfo Info { get; init; } = new();
}
