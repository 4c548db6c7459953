namespace SlateFast.Format.Blocks;

/// <summary>A reusable copy of one key; reallocates only when a longer key arrives.</summary>
internal struct KeyCopy
{
    private byte[]? _bytes;
    private int _length;

    public readonly ReadOnlySpan<byte> Span => _bytes.AsSpan(0, _length);

    public void Set(ReadOnlySpan<byte> key)
    {
        if (_bytes is null || _bytes.Length < key.Length)
        {
            _bytes = new byte[Math.Max(key.Length, 64)];
        }

        key.CopyTo(_bytes);
        _length = key.Length;
    }

    public void Clear() => _length = 0;
}
