namespace SlateFast.ObjectStore;

/// <summary>
/// A failure of the object store itself (network, server, disk). Kind
/// <see cref="ErrorKind.Unavailable"/>: the caller may try again later.
/// </summary>
public sealed class ObjectStoreException : SlateFastException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The store operation that failed, for example "put".</param>
    /// <param name="path">The object path involved, or empty.</param>
    /// <param name="isTransient">Whether another attempt may succeed.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, for HTTP stores.</param>
    /// <param name="inner">The underlying exception.</param>
    public ObjectStoreException(string operation, string path, bool isTransient, string message, int? statusCode = null, Exception? inner = null)
        : base(ErrorKind.Unavailable, $"object store {operation} {path}: {message}", inner)
    {
        Operation = operation;
        Path = path;
        Detail = message;
        IsTransient = isTransient;
        StatusCode = statusCode;
    }

    /// <summary>The store operation that failed.</summary>
    public string Operation { get; }

    /// <summary>The object path involved.</summary>
    public string Path { get; }

    /// <summary>Whether a retry may succeed (throttling, timeouts, resets, 5xx).</summary>
    public bool IsTransient { get; }

    /// <summary>The HTTP status code, when the store speaks HTTP.</summary>
    public int? StatusCode { get; }

    /// <summary>What went wrong, without the operation and path the message starts with.</summary>
    public string Detail { get; }

    /// <summary>
    /// The request got no answer within its deadline: it may have been applied, so a conditional
    /// write that timed out is settled by reading the object back, never by replaying it.
    /// </summary>
    public bool TimedOut { get; init; }
}
