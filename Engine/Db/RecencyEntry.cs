using SlateFast.Format;

namespace SlateFast;

/// <summary>
/// One stored version of a key as <see cref="DbHandle.ScanPrefixByRecencyAsync"/> finds it:
/// tombstones and merge operands as written, nothing folded, expired rows included (SlateDB
/// 0.15's raw <c>RowEntry</c>).
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="Kind">A value, a tombstone (a delete) or a merge operand.</param>
/// <param name="Value">The value or merge operand; null for a tombstone.</param>
/// <param name="Seq">The sequence number of the commit that wrote it.</param>
/// <param name="CreateTs">When it was written (the writer's clock, ms since the Unix epoch), when recorded.</param>
/// <param name="ExpireTs">When it expires (ms since the Unix epoch), when it has a time to live.</param>
public sealed record RecencyEntry(byte[] Key, RowKind Kind, byte[]? Value, ulong Seq, long? CreateTs, long? ExpireTs);
