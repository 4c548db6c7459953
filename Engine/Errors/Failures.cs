using SlateFast.ObjectStore;

namespace SlateFast;

/// <summary>
/// The one classification of failures the engine's own work can meet, for the places that decide
/// whether to retry, log and go on, or let an exception through as a bug.
/// </summary>
internal static class Failures
{
    /// <summary>
    /// A failure of the work itself, not a bug: the engine's errors (store failures included) and
    /// I/O. A background loop logs it and tries again later or closes the database with it.
    /// </summary>
    public static bool IsExpected(Exception e) => e is SlateFastException or IOException;

    /// <summary>
    /// Another attempt may succeed: a store failure the store calls transient, or another
    /// <see cref="ErrorKind.Unavailable"/> (a manifest timeout). A store failure is judged by the
    /// store alone: a permanent one (disk full, access denied) is not retried even though its kind
    /// is Unavailable.
    /// </summary>
    public static bool IsTransient(Exception e) =>
        e is ObjectStoreException store ? store.IsTransient : e is SlateFastException { Kind: ErrorKind.Unavailable };
}
