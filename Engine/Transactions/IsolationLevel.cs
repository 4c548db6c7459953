namespace SlateFast;

/// <summary>How strictly a <see cref="DbTransaction"/> is checked against transactions that commit while it runs.</summary>
public enum IsolationLevel
{
    /// <summary>
    /// Snapshot isolation: reads see the database as of the transaction's start; the commit fails
    /// if another write committed after the start touched a key this transaction writes
    /// (write-write conflict). Write skew is possible.
    /// </summary>
    Snapshot = 0,

    /// <summary>
    /// Serializable snapshot isolation: as <see cref="Snapshot"/>, and the commit also fails if a
    /// write committed after the start touched a key this transaction read or a range it scanned
    /// (read-write conflict), so committed transactions behave as if run one at a time in commit order.
    /// </summary>
    SerializableSnapshot = 1,
}
