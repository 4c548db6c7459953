namespace SlateFast;

/// <summary>A row as a read returns it.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
/// <param name="Seq">The sequence number of the write that stored it.</param>
/// <param name="CreateTs">When it was written (ms since the Unix epoch), when recorded.</param>
/// <param name="ExpireTs">When it expires (ms since the Unix epoch), when it has a TTL.</param>
public sealed record KeyValue(byte[] Key, byte[] Value, ulong Seq, long? CreateTs, long? ExpireTs);
