namespace SlateFast.Cache;

/// <summary>
/// A reader's hold on a block: the bytes stay valid and unchanged until <see cref="Dispose"/>,
/// even if the cache evicts the block or is cleared meanwhile.
/// </summary>
/// <remarks>
/// A struct so a cache hit allocates nothing. Dispose it exactly once and stop using
/// <see cref="Span"/> and <see cref="Memory"/> afterwards, as with an array rented from a pool:
/// copies of a lease share one reference.
/// </remarks>
internal readonly struct BlockLease : IDisposable
{
    private readonly CachedBlock? _block;

    internal BlockLease(CachedBlock block) => _block = block;

    /// <summary>False for <c>default</c> (a miss).</summary>
    public bool HasValue => _block is not null;

    public int Length => _block?.Length ?? 0;

    public ReadOnlySpan<byte> Span => _block is null ? default : _block.Bytes;

    public ReadOnlyMemory<byte> Memory => _block is null ? default : _block.Memory;

    /// <summary>
    /// Whether the block is resident in the cache now. False for blocks the cache declined
    /// (too large, zero length, or a read that does not fill the cache) and for evicted ones.
    /// </summary>
    public bool IsCached => _block?.Shard is not null;

    internal CachedBlock? Block => _block;

    public void Dispose() => _block?.Release();
}
