using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SlateFast.Cache;

/// <summary>
/// The value of a point read, held where it lies when it can be (RocksDB's PinnableSlice): a value
/// inside a cached SST block keeps a reference to that block, so its bytes are not copied and the
/// block cannot be freed or reused until <see cref="Dispose"/>. Any other value (a memtable's, an
/// uncached block's, a folded merge) is copied once into the pin's own buffer, which is allocated
/// on the pinned object heap so its address is as stable as a block's: the C ABI hands out
/// <see cref="Pointer"/>. Reusable after <see cref="Reset"/>.
/// </summary>
internal sealed unsafe class PinnedValue : IBufferWriter<byte>, IDisposable
{
    private CachedBlock? _block;
    private byte* _blockValue;
    private int _blockValueLength;
    private byte[] _copy = GC.AllocateUninitializedArray<byte>(256, pinned: true);
    private int _written;

    /// <summary>
    /// The cached block the lookup is reading while it may find the value; set and cleared by the
    /// lookup around its scan of a leased block, so <see cref="WriteValue"/> can pin instead of copy.
    /// </summary>
    internal CachedBlock? Candidate { get; set; }

    /// <summary>Whether the value is a cached block's bytes rather than a copy.</summary>
    public bool IsPinned => _block is not null;

    public ReadOnlySpan<byte> Span => _block is not null ? new(_blockValue, _blockValueLength) : _copy.AsSpan(0, _written);

    /// <summary>The value's first byte; stable until <see cref="Dispose"/> or <see cref="Reset"/>.</summary>
    public byte* Pointer => _block is not null ? _blockValue : (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_copy));

    public int Length => _block is not null ? _blockValueLength : _written;

    /// <summary>Takes the value: a reference to <see cref="Candidate"/> when the value lies in it, else a copy.</summary>
    public void WriteValue(ReadOnlySpan<byte> value)
    {
        if (Candidate is { } block && block.Contains(value) && block.TryAcquire())
        {
            _block = block;
            _blockValue = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(value));
            _blockValueLength = value.Length;
            return;
        }

        value.CopyTo(GetSpan(value.Length));
        Advance(value.Length);
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _copy.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _copy.AsSpan(_written);
    }

    /// <summary>Lets go of the value (the block's reference) so the pin can read again.</summary>
    public void Reset()
    {
        _block?.Release();
        _block = null;
        _written = 0;
        Candidate = null;
    }

    public void Dispose() => Reset();

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed > _copy.Length)
        {
            var bigger = GC.AllocateUninitializedArray<byte>(Math.Max(needed, _copy.Length * 2), pinned: true);
            _copy.AsSpan(0, _written).CopyTo(bigger);
            _copy = bigger;
        }
    }
}
