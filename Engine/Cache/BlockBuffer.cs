namespace SlateFast.Cache;

/// <summary>
/// Cache-owned memory rented before its contents exist, so a reader can decompress or copy a
/// block straight into it and then publish it with <see cref="BlockCache.Insert(in BlockCacheKey, BlockKind, BlockBuffer)"/>
/// (or keep it uncached with <see cref="Detach"/>) without a second copy.
/// </summary>
/// <remarks>
/// Exactly one of Insert, <see cref="Detach"/> or <see cref="Dispose"/> takes effect; after
/// Insert or Detach, Dispose does nothing, so <c>using var buffer = cache.Rent(n)</c> is safe on
/// every path.
/// </remarks>
internal readonly struct BlockBuffer : IDisposable
{
    private readonly CachedBlock? _block;

    internal BlockBuffer(CachedBlock block) => _block = block;

    /// <summary>The writable bytes; valid until the buffer is inserted, detached or disposed.</summary>
    public Span<byte> Span => _block is null ? default : _block.GetSpan();

    public int Length => _block?.Length ?? 0;

    internal CachedBlock Block => _block ?? ThrowHelper.Invalid<CachedBlock>("default block buffer");

    /// <summary>Makes only the first <paramref name="length"/> bytes the block (when the decoded size was an upper bound).</summary>
    public void Truncate(int length) => Block.Truncate(length);

    /// <summary>Turns the buffer into a lease that never enters the cache (reads with CacheBlocks = false).</summary>
    public BlockLease Detach()
    {
        var block = Block;
        block.Publish();
        return new BlockLease(block);
    }

    /// <summary>Frees the buffer unless it was inserted or detached.</summary>
    public void Dispose() => _block?.Abandon();
}
