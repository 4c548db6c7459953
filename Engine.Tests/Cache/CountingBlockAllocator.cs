using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using SlateFast.Cache;

namespace SlateFast.Tests.Cache;

/// <summary>Native blocks with a ledger: which are live, how often each was freed, and any bad free.</summary>
internal sealed unsafe class CountingBlockAllocator : BlockAllocator
{
    private readonly ConcurrentDictionary<nint, int> _live = new();
    private long _allocations;
    private long _frees;
    private long _badFrees;

    public long Allocations => Interlocked.Read(ref _allocations);

    public long Frees => Interlocked.Read(ref _frees);

    /// <summary>Frees of a pointer that was not live: a double free or a foreign pointer.</summary>
    public long BadFrees => Interlocked.Read(ref _badFrees);

    public int Live => _live.Count;

    public bool IsLive(ReadOnlySpan<byte> block)
    {
        fixed (byte* p = block)
        {
            return _live.ContainsKey((nint)p);
        }
    }

    public override byte* Allocate(int size)
    {
        var pointer = (byte*)NativeMemory.Alloc((nuint)Math.Max(size, 1));
        if (!_live.TryAdd((nint)pointer, size))
        {
            throw new InvalidOperationException("allocator returned a live pointer twice");
        }

        Interlocked.Increment(ref _allocations);
        return pointer;
    }

    public override void Free(byte* pointer, int size)
    {
        if (!_live.TryRemove((nint)pointer, out var allocated) || allocated != size)
        {
            Interlocked.Increment(ref _badFrees);
            return;
        }

        // Scribble before freeing so a reader of freed memory sees garbage, not the old block.
        new Span<byte>(pointer, size).Fill(0xDD);
        NativeMemory.Free(pointer);
        Interlocked.Increment(ref _frees);
    }
}
