namespace SlateFast;

/// <summary>
/// The few error categories a caller can act on. Each tells the caller what to do next; the
/// exception message carries the detail.
/// </summary>
public enum ErrorKind
{
    /// <summary>A transaction conflicted with another and was not committed; retry it.</summary>
    Transaction = 1,

    /// <summary>The database is closed (see <see cref="CloseReason"/>); open it again.</summary>
    Closed = 2,

    /// <summary>The object store or another dependency is unreachable or failing; retry later.</summary>
    Unavailable = 3,

    /// <summary>The caller misused the API or passed bad arguments or configuration; fix the call.</summary>
    Invalid = 4,

    /// <summary>Stored bytes are corrupt or not in a format SlateFast understands.</summary>
    Data = 5,

    /// <summary>A bug in SlateFast: an invariant did not hold.</summary>
    Internal = 6,
}

/// <summary>Why a database stopped accepting calls.</summary>
public enum CloseReason
{
    /// <summary>Not closed; used with error kinds other than <see cref="ErrorKind.Closed"/>.</summary>
    None = 0,

    /// <summary>The database was closed by its owner.</summary>
    Clean = 1,

    /// <summary>A newer writer or compactor took over the database; this handle may no longer write.</summary>
    Fenced = 2,

    /// <summary>A background task failed and the database closed itself to protect the data.</summary>
    Panic = 3,
}
