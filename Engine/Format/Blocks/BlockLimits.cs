namespace SlateFast.Format.Blocks;

/// <summary>Limits shared by the block builders.</summary>
internal static class BlockLimits
{
    /// <summary>
    /// Largest block size target. Offsets in the trailer are u16, and the fit rules keep every entry
    /// that is not first in its block inside <c>block_size</c>, so with this cap every offset is below
    /// 65536 (SlateDB allows 1..64 KiB too).
    /// </summary>
    public const int MaxBlockSize = 64 * 1024;

    /// <summary>Longest key SlateDB accepts (and V0 rows can express).</summary>
    public const int MaxKeyLength = ushort.MaxValue;

    public static void ValidateBlockSize(int blockSize)
    {
        if (blockSize < 1 || blockSize > MaxBlockSize)
        {
            ThrowHelper.Invalid($"block size must be 1..{MaxBlockSize} bytes, got {blockSize}");
        }
    }

    public static void ValidateKey(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            ThrowHelper.Invalid($"keys must be 1..{MaxKeyLength} bytes, got {key.Length}");
        }
    }
}
