using System.Runtime.InteropServices;

namespace SlateFast.Memory;

/// <summary>
/// A fixed-capacity region of native memory handed out by bump allocation with one atomic add.
/// Offsets are 32-bit and offset 0 is reserved as "nil", so structures inside the arena link by
/// offset and the GC never sees them. When the region is exhausted allocation reports failure
/// rather than growing: the owner (a memtable) then freezes and a fresh arena takes over.
/// </summary>
/// <remarks>
/// The region is reserved at once but the operating system commits pages only when touched, so
/// a 64 MiB arena that holds 1 MiB costs about 1 MiB of resident memory.
/// Not freed until <see cref="Dispose"/>; the owner guarantees no reader remains by then.
/// </remarks>
internal sealed unsafe class NativeArena : IDisposable
{
    /// <summary>Allocations are aligned to this; node headers hold 8-byte fields.</summary>
    public const int Alignment = 8;

    /// <summary>The largest capacity: offsets must fit in 32 bits.</summary>
    public const long MaxCapacity = uint.MaxValue - Alignment;

    private byte* _buffer;
    private readonly long _capacity;
    private long _used;

    public NativeArena(long capacity)
    {
        if (capacity < 64 || capacity > MaxCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"arena capacity must be 64..{MaxCapacity} bytes");
        }

        _capacity = (capacity + Alignment - 1) & ~(long)(Alignment - 1);
        _buffer = (byte*)NativeMemory.AlignedAlloc((nuint)_capacity, 64);
        NativeMemoryTracker.Allocated(_capacity);

        // Offset 0 is nil; start at the first aligned slot after it.
        _used = Alignment;
    }

    /// <summary>Total bytes reserved.</summary>
    public long Capacity => _capacity;

    /// <summary>Bytes handed out (an over-estimate by up to one failed allocation once full).</summary>
    public long Used => Math.Min(Interlocked.Read(ref _used), _capacity);

    /// <summary>
    /// Allocates <paramref name="size"/> bytes aligned to <see cref="Alignment"/>; returns the
    /// offset, or 0 when the arena cannot hold them.
    /// </summary>
    public uint Allocate(long size)
    {
        var padded = (size + Alignment - 1) & ~(long)(Alignment - 1);
        if (padded <= 0 || padded > _capacity)
        {
            return 0;
        }

        var end = Interlocked.Add(ref _used, padded);
        if (end > _capacity)
        {
            return 0;
        }

        return (uint)(end - padded);
    }

    /// <summary>The address of an offset returned by <see cref="Allocate"/>.</summary>
    public byte* At(uint offset) => _buffer + offset;

    public void Dispose()
    {
        var buffer = _buffer;
        if (buffer is null)
        {
            return;
        }

        _buffer = null;
        NativeMemory.AlignedFree(buffer);
        NativeMemoryTracker.Freed(_capacity);
    }
}
