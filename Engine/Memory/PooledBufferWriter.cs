using System.Buffers;

namespace SlateFast.Memory;

/// <summary>
/// A growable output buffer whose array comes from a pool and goes back on <see cref="Dispose"/>,
/// so builders created and dropped over and over (one per WAL object) reach a steady state that
/// allocates nothing.
/// </summary>
/// <remarks>
/// The pool is a dedicated, shared one rather than <see cref="ArrayPool{T}.Shared"/>: WAL buffers
/// fill on the committing threads and are released on the flusher thread, and the shared pool
/// keeps a returned array in the returning thread's local cache, where the committing threads
/// never find it. The dedicated pool hands arrays across threads and keeps at most four of each
/// size up to 64 MiB.
/// </remarks>
internal sealed class PooledBufferWriter(int initialCapacity = 4096) : IBufferWriter<byte>, IDisposable
{
    private static readonly ArrayPool<byte> s_pool = ArrayPool<byte>.Create(64 * 1024 * 1024, 4);

    private byte[] _buffer = s_pool.Rent(Math.Max(initialCapacity, 256));
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void ResetWrittenCount() => _written = 0;

    /// <summary>Forgets what was written after the first <paramref name="count"/> bytes (a section that failed half way).</summary>
    public void Truncate(int count) => _written = Math.Min(_written, Math.Max(count, 0));

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        Ensure(data.Length);
        data.CopyTo(_buffer.AsSpan(_written));
        _written += data.Length;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            s_pool.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var grown = s_pool.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(grown);
        if (_buffer.Length > 0)
        {
            s_pool.Return(_buffer);
        }

        _buffer = grown;
    }
}
