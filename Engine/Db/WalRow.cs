using SlateFast.Format;

namespace SlateFast;

/// <summary>One row of a WAL object, as the writer committed it.</summary>
/// <param name="WalId">The WAL object that holds it.</param>
/// <param name="Seq">The sequence number of the commit that wrote it; the rows of one write batch share it.</param>
/// <param name="Kind">A value, a tombstone (a delete) or a merge operand.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value or merge operand; null for a tombstone.</param>
/// <param name="CreateTs">When it was written (ms since the Unix epoch), when recorded.</param>
/// <param name="ExpireTs">When it expires (ms since the Unix epoch), when it has a TTL.</param>
public sealed record WalRow(ulong WalId, ulong Seq, RowKind Kind, byte[] Key, byte[]? Value, long? CreateTs, long? ExpireTs);
