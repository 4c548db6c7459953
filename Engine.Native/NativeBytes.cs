using System.Buffers;
using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>
/// Exposes a caller's native buffer as <see cref="Memory{T}"/> without copying. One instance per
/// thread and role is reused: the buffer is valid only during the export call, and the calling
/// thread blocks until the engine is done with it, so the next call on that thread cannot reuse
/// the instance early.
/// </summary>
internal sealed unsafe class NativeMemoryView : MemoryManager<byte>
{
    [ThreadStatic]
    private static NativeMemoryView? t_key;

    [ThreadStatic]
    private static NativeMemoryView? t_value;

    private byte* _pointer;
    private int _length;

    /// <summary>The caller's key bytes; NULL with a non-zero length is Invalid.</summary>
    public static ReadOnlyMemory<byte> Key(byte* pointer, nuint length, string what = "key") =>
        (t_key ??= new NativeMemoryView()).Wrap(pointer, length, what);

    /// <summary>The caller's value (or operand) bytes.</summary>
    public static ReadOnlyMemory<byte> Value(byte* pointer, nuint length, string what = "value") =>
        (t_value ??= new NativeMemoryView()).Wrap(pointer, length, what);

    /// <summary>A span over caller bytes, checked the same way.</summary>
    public static ReadOnlySpan<byte> Span(byte* pointer, nuint length, string what)
    {
        Check(pointer, length, what);
        return new ReadOnlySpan<byte>(pointer, (int)length);
    }

    private ReadOnlyMemory<byte> Wrap(byte* pointer, nuint length, string what)
    {
        Check(pointer, length, what);
        _pointer = pointer;
        _length = (int)length;
        return Memory;
    }

    private static void Check(byte* pointer, nuint length, string what)
    {
        if (pointer is null && length != 0)
        {
            ThrowHelper.Invalid($"{what} is NULL but its length is {length}");
        }

        if (length > int.MaxValue)
        {
            ThrowHelper.Invalid($"{what} length {length} is too large");
        }
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan() => new(_pointer, _length);

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
    }
}

/// <summary>
/// Collects a value in malloc'd memory that is handed to the C caller (freed with
/// <c>sf_bytes_free</c>): one allocation, grown by realloc, no managed copy.
/// </summary>
internal sealed unsafe class MallocBufferWriter : IBufferWriter<byte>, IDisposable
{
    [ThreadStatic]
    private static MallocBufferWriter? t_cached;

    private byte* _buffer;
    private int _capacity;
    private int _written;

    /// <summary>This thread's writer, emptied.</summary>
    public static MallocBufferWriter Rent()
    {
        var writer = t_cached ?? new MallocBufferWriter();
        t_cached = null;
        writer._written = 0;
        return writer;
    }

    /// <summary>Bytes written so far.</summary>
    public int Written => _written;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        if (count < 0 || _written + count > _capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0) => throw new NotSupportedException("the engine writes values through GetSpan");

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed > _capacity)
        {
            var capacity = Math.Max(needed, Math.Max(64, _capacity * 2));
            _buffer = (byte*)NativeMemory.Realloc(_buffer, (nuint)capacity);
            _capacity = capacity;
        }

        return new Span<byte>(_buffer + _written, _capacity - _written);
    }

    /// <summary>
    /// Hands the bytes to the caller: the pointer (never NULL, even for an empty value) is theirs
    /// to free. The writer starts over empty.
    /// </summary>
    public byte* Detach(out nuint length)
    {
        if (_buffer is null)
        {
            GetSpan(1);
        }

        var result = _buffer;
        length = (nuint)_written;
        _buffer = null;
        _capacity = 0;
        _written = 0;
        return result;
    }

    /// <summary>Frees whatever was not detached and gives the writer back to this thread.</summary>
    public void Dispose()
    {
        NativeMemory.Free(_buffer);
        _buffer = null;
        _capacity = 0;
        _written = 0;
        t_cached = this;
    }

    /// <summary>A malloc'd copy of <paramref name="bytes"/> (never NULL).</summary>
    public static byte* Copy(ReadOnlySpan<byte> bytes, out nuint length)
    {
        var buffer = (byte*)NativeMemory.Alloc((nuint)Math.Max(bytes.Length, 1));
        bytes.CopyTo(new Span<byte>(buffer, bytes.Length));
        length = (nuint)bytes.Length;
        return buffer;
    }
}

/// <summary>
/// Writes a value into a caller's fixed buffer; when it does not fit, keeps counting in a scratch
/// array so the caller learns the length it needs (like <c>snprintf</c>).
/// </summary>
internal sealed unsafe class CallerBufferWriter : IBufferWriter<byte>
{
    [ThreadStatic]
    private static CallerBufferWriter? t_cached;

    private byte* _buffer;
    private int _capacity;
    private int _written;
    private byte[] _scratch = [];
    private bool _overflowed;
    private bool _scratchOut;

    /// <summary>This thread's writer over <paramref name="buffer"/>.</summary>
    public static CallerBufferWriter Over(byte* buffer, nuint capacity)
    {
        if (buffer is null && capacity != 0)
        {
            ThrowHelper.Invalid($"buffer is NULL but its length is {capacity}");
        }

        var writer = t_cached ??= new CallerBufferWriter();
        writer._buffer = buffer;
        writer._capacity = (int)Math.Min(capacity, int.MaxValue);
        writer._written = 0;
        writer._overflowed = false;
        writer._scratchOut = false;
        return writer;
    }

    /// <summary>The value's full length, whether or not it fit.</summary>
    public int Written => _written;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        // Bytes that went to scratch only count: the value no longer fits the caller's buffer.
        _overflowed |= _scratchOut;
        _scratchOut = false;
        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0) => throw new NotSupportedException("the engine writes values through GetSpan");

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var hint = Math.Max(sizeHint, 1);
        if (!_overflowed && _written + hint <= _capacity)
        {
            _scratchOut = false;
            return new Span<byte>(_buffer + _written, _capacity - _written);
        }

        _scratchOut = true;
        if (_scratch.Length < hint)
        {
            _scratch = new byte[Math.Max(hint, 4096)];
        }

        return _scratch;
    }
}
