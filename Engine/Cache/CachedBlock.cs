using System.Buffers;

namespace SlateFast.Cache;

/// <summary>
/// One block's native bytes with a reference count, and (while resident) its place in one of a
/// shard's S3-FIFO queues. The memory is freed when the count reaches zero: the cache holds one reference
/// while the block is resident, every lease and the unpublished buffer hold one each.
/// </summary>
/// <remarks>
/// Deriving from <see cref="MemoryManager{T}"/> lets a lease expose <see cref="Memory{T}"/> over
/// native memory without allocating a wrapper. Disposing the manager does nothing: only the
/// reference count ends the block's life.
/// </remarks>
internal sealed unsafe class CachedBlock : MemoryManager<byte>
{
    private const int StateRented = 0;
    private const int StatePublished = 1;
    private const int StateAbandoned = 2;

    private readonly BlockAllocator _allocator;
    private readonly int _capacity;
    private byte* _pointer;
    private int _length;
    private int _references = 1;
    private int _state = StateRented;

    public CachedBlock(BlockAllocator allocator, int size)
    {
        _allocator = allocator;
        _capacity = size;
        _length = size;
        _pointer = allocator.Allocate(size);
    }

    // Queue links and key: guarded by the owning shard's lock; Shard is non-null while resident.
    internal CachedBlock? Next;
    internal CachedBlock? Prev;
    internal BlockQueue? Queue;
    internal BlockCacheShard? Shard;
    internal BlockCacheKey Key;

    /// <summary>
    /// S3-FIFO's access count, 0..3: raised by lock-free hits (a lost racy increment only costs
    /// precision), lowered by the shard's eviction sweep.
    /// </summary>
    internal int Frequency;

    public int Length => _length;

    /// <summary>Bytes the block costs its budget: what was allocated, not what was filled.</summary>
    public long Charge => _capacity;

    public int References => Volatile.Read(ref _references);

    public bool IsFreed => _pointer is null;

    public ReadOnlySpan<byte> Bytes => new(_pointer, _length);

    /// <summary>Whether <paramref name="span"/> lies inside this block's bytes.</summary>
    public bool Contains(ReadOnlySpan<byte> span)
    {
        var start = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(span));
        return start >= _pointer && start + span.Length <= _pointer + _length;
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)_length)
        {
            throw new ArgumentOutOfRangeException(nameof(elementIndex));
        }

        // Native memory never moves; the handle only has to keep nothing alive.
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }

    /// <summary>Shortens the visible bytes of a block not yet published (decompressing into an upper bound).</summary>
    public void Truncate(int length)
    {
        if (Volatile.Read(ref _state) != StateRented)
        {
            ThrowHelper.Invalid("a block buffer can be truncated only before it is inserted or detached");
        }

        if ((uint)length > (uint)_capacity)
        {
            ThrowHelper.Invalid($"block length {length} is outside 0..{_capacity}");
        }

        _length = length;
    }

    /// <summary>Marks an unpublished buffer as handed over (to the cache or to a lease), once.</summary>
    public void Publish()
    {
        if (Interlocked.CompareExchange(ref _state, StatePublished, StateRented) != StateRented)
        {
            ThrowHelper.Invalid("this block buffer was already inserted, detached or disposed");
        }
    }

    /// <summary>Releases an unpublished buffer; a no-op once it was published or abandoned.</summary>
    public void Abandon()
    {
        if (Interlocked.CompareExchange(ref _state, StateAbandoned, StateRented) == StateRented)
        {
            Release();
        }
    }

    /// <summary>Takes a reference unless the block was already freed (a reader racing an eviction).</summary>
    public bool TryAcquire() => SlateFast.Memory.Atomic.TryAddReference(ref _references);

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left > 0)
        {
            return;
        }

        if (left < 0)
        {
            ThrowHelper.Internal("block cache lease released more often than acquired");
        }

        var pointer = _pointer;
        _pointer = null;
        _allocator.Free(pointer, _capacity);
    }
}
