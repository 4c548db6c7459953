namespace SlateFast.Format.Blocks;

/// <summary>Index keys of compacted SSTs (spec §5.6): the <c>first_key</c> of each <c>BlockMeta</c>.</summary>
internal static class IndexKey
{
    /// <summary>
    /// The shortest prefix of <paramref name="nextFirstKey"/> that sorts after
    /// <paramref name="prevLastKey"/>: up to and including the first byte where the keys differ; all of
    /// <paramref name="nextFirstKey"/> when the keys are equal (one key's versions straddle two blocks);
    /// one byte past <paramref name="prevLastKey"/> when it is a proper prefix. Block 0 uses the empty key instead.
    /// </summary>
    /// <exception cref="SlateFastException">Invalid for empty keys or when <paramref name="nextFirstKey"/> is a proper prefix of <paramref name="prevLastKey"/> (keys out of order).</exception>
    public static ReadOnlySpan<byte> ShortestSeparator(ReadOnlySpan<byte> prevLastKey, ReadOnlySpan<byte> nextFirstKey) =>
        nextFirstKey[..SeparatorLength(prevLastKey, nextFirstKey)];

    /// <summary>Length of <see cref="ShortestSeparator"/>'s result, which is always a prefix of <paramref name="nextFirstKey"/>.</summary>
    public static int SeparatorLength(ReadOnlySpan<byte> prevLastKey, ReadOnlySpan<byte> nextFirstKey)
    {
        if (prevLastKey.IsEmpty || nextFirstKey.IsEmpty)
        {
            ThrowHelper.Invalid("index keys are computed from non-empty keys");
        }

        int common = prevLastKey.CommonPrefixLength(nextFirstKey);
        if (common < prevLastKey.Length)
        {
            if (common == nextFirstKey.Length)
            {
                ThrowHelper.Invalid("next block's first key is a proper prefix of the previous block's last key");
            }

            return common + 1;
        }

        return prevLastKey.Length == nextFirstKey.Length ? nextFirstKey.Length : prevLastKey.Length + 1;
    }
}
