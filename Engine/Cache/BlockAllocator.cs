using System.Runtime.InteropServices;
using SlateFast.Memory;

namespace SlateFast.Cache;

/// <summary>
/// Where block memory comes from. One seam so tests can count that every block is freed exactly
/// once; production uses <see cref="NativeBlockAllocator"/>.
/// </summary>
internal abstract unsafe class BlockAllocator
{
    public abstract byte* Allocate(int size);

    public abstract void Free(byte* pointer, int size);
}

/// <summary>
/// Exact-size native blocks: the GC never scans, moves or counts them, and a 4,100-byte block
/// costs 4,100 bytes rather than the 8 KiB bucket an array pool would hand out.
/// </summary>
internal sealed unsafe class NativeBlockAllocator : BlockAllocator
{
    public static NativeBlockAllocator Instance { get; } = new();

    private NativeBlockAllocator()
    {
    }

    public override byte* Allocate(int size)
    {
        // malloc(0) may return null; a 1-byte allocation keeps "null means unallocated" simple.
        var pointer = (byte*)NativeMemory.Alloc((nuint)Math.Max(size, 1));
        NativeMemoryTracker.Allocated(size);
        return pointer;
    }

    public override void Free(byte* pointer, int size)
    {
        NativeMemory.Free(pointer);
        NativeMemoryTracker.Freed(size);
    }
}
