using SlateFast.Format;

namespace SlateFast.Retention;

/// <summary>
/// The versions of one key, copied out of sources that move on (a compaction's merged inputs, a
/// descending scan walking a sorted run backward), in the order they were added.
/// </summary>
/// <remarks>
/// Keys and values go into buffers that are reused and only grow, so a steady stream of keys
/// allocates nothing. A value buffer that grows mid-key leaves the earlier versions' values in the
/// old buffer, which their <see cref="KeyVersion.Value"/> keeps alive: no copy is made again.
/// </remarks>
internal sealed class KeyVersionBuffer
{
    private byte[] _key = new byte[64];
    private int _keyLength;
    private byte[] _values = new byte[1024];
    private int _valuesLength;
    private KeyVersion[] _versions = new KeyVersion[8];
    private int _count;

    public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

    public Span<KeyVersion> Versions => _versions.AsSpan(0, _count);

    public int Count => _count;

    public ref readonly KeyVersion this[int index] => ref _versions[index];

    /// <summary>Forgets the previous key's versions and starts collecting <paramref name="key"/>'s.</summary>
    public void Start(ReadOnlySpan<byte> key)
    {
        if (key.Length > _key.Length)
        {
            _key = new byte[Math.Max(key.Length, _key.Length * 2)];
        }

        key.CopyTo(_key);
        _keyLength = key.Length;
        _valuesLength = 0;
        _count = 0;
    }

    public void Add(ulong seq, RowKind kind, long? createTs, long? expireTs, ReadOnlySpan<byte> value)
    {
        if (_count == _versions.Length)
        {
            Array.Resize(ref _versions, _count * 2);
        }

        if (_valuesLength + value.Length > _values.Length)
        {
            _values = new byte[Math.Max(value.Length, _values.Length * 2)];
            _valuesLength = 0;
        }

        value.CopyTo(_values.AsSpan(_valuesLength));
        _versions[_count++] = new KeyVersion(seq, kind, _values.AsMemory(_valuesLength, value.Length), createTs, expireTs);
        _valuesLength += value.Length;
    }
}
