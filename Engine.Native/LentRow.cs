using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>
/// Native memory a handle lends a row's key and value from (managed arrays could move under the
/// GC): copied in row after row, grown when a row is larger, valid until the next
/// <see cref="Lend"/> or <see cref="Free"/>. The owner serialises calls (its own gate).
/// </summary>
internal sealed unsafe class LentRow
{
    private byte* _memory;
    private nuint _capacity;

    /// <summary>Copies the key, then the value, in; where each starts (the value's is null when <paramref name="hasValue"/> is false).</summary>
    public (nint Key, nint Value) Lend(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool hasValue = true)
    {
        var need = (nuint)key.Length + (nuint)value.Length;
        if (need > _capacity || _memory is null)
        {
            var capacity = Math.Max(need, Math.Max(256, _capacity * 2));
            _memory = (byte*)NativeMemory.Realloc(_memory, capacity);
            _capacity = capacity;
        }

        key.CopyTo(new Span<byte>(_memory, key.Length));
        value.CopyTo(new Span<byte>(_memory + key.Length, value.Length));
        return ((nint)_memory, hasValue ? (nint)(_memory + key.Length) : 0);
    }

    /// <summary>Gives the memory back; a later <see cref="Lend"/> allocates anew.</summary>
    public void Free()
    {
        NativeMemory.Free(_memory);
        _memory = null;
        _capacity = 0;
    }
}
