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

/// <summary>A WAL object as listed.</summary>
/// <param name="Id">Its WAL id; ids grow by one per object, in commit order.</param>
/// <param name="Path">Its path in the WAL's store.</param>
/// <param name="Size">Its size in bytes (a fence a newer writer wrote may be empty).</param>
/// <param name="LastModified">When the store last wrote it.</param>
public sealed record WalFileInfo(ulong Id, string Path, long Size, DateTimeOffset LastModified);
