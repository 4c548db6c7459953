namespace SlateFast;

/// <summary>
/// What opening a database does when a WAL object after the manifest's replay point exists but
/// cannot be read whole (cut short by a torn write on a store without atomic puts, or damaged).
/// RocksDB's <c>WALRecoveryMode</c> names the same choice (RFC 0017).
/// </summary>
public enum WalRecoveryMode
{
    /// <summary>
    /// The default: the open fails with <see cref="ErrorKind.Data"/> naming the object and its id,
    /// and nothing changes. No acknowledged write is ever dropped by this mode.
    /// </summary>
    Strict = 0,

    /// <summary>
    /// Opt-in: replay stops before the damaged object, so the database opens at a prefix of the
    /// commit order; that object and every later WAL object are not replayed (their rows are
    /// lost, including acknowledged ones). A writer makes the cut permanent before it accepts a
    /// write: it flushes the replayed rows to L0 and moves the manifest's replay point past the
    /// damaged ids, which are never written again. Read-only opens only stop; they change nothing.
    /// </summary>
    PointInTime = 1,
}
