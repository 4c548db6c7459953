namespace SlateFast;

/// <summary>Key and value limits (spec §1).</summary>
internal static class Keys
{
    public const int MaxKeyLength = 65_535;

    public static void Validate(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            ThrowHelper.Invalid($"key length must be 1..{MaxKeyLength} bytes, got {key.Length}");
        }
    }

    public static void ValidateValue(long length)
    {
        if (length > uint.MaxValue)
        {
            ThrowHelper.Invalid($"value length must be at most {uint.MaxValue} bytes, got {length}");
        }
    }
}
