using SlateFast.Format;

namespace SlateFast.Retention;

/// <summary>
/// One version of a key as a flush, a compaction or a compaction filter handles it: the one row
/// type of the retention rules. The value is borrowed (from a <see cref="KeyVersionBuffer"/> or a
/// caller's copy) for as long as the key is being decided.
/// </summary>
internal readonly record struct KeyVersion(ulong Seq, RowKind Kind, ReadOnlyMemory<byte> Value, long? CreateTs, long? ExpireTs);
