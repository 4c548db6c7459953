namespace SlateFast;

/// <summary>The one exception type SlateFast throws at its public edge.</summary>
public class SlateFastException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public SlateFastException(ErrorKind kind, string message, Exception? inner = null)
        : this(kind, CloseReason.None, message, inner)
    {
    }

    /// <summary>Creates an exception of the given kind and close reason.</summary>
    public SlateFastException(ErrorKind kind, CloseReason closeReason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        CloseReason = closeReason;
    }

    /// <summary>What the caller can do about it.</summary>
    public ErrorKind Kind { get; }

    /// <summary>For <see cref="ErrorKind.Closed"/>, why the database closed; otherwise <see cref="SlateFast.CloseReason.None"/>.</summary>
    public CloseReason CloseReason { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        CloseReason == CloseReason.None ? $"{Kind}: {base.ToString()}" : $"{Kind}({CloseReason}): {base.ToString()}";
}

/// <summary>
/// Thrown by object stores when an object that must exist does not. It is a
/// <see cref="ErrorKind.Data"/> error at the public edge: a database refers to an object that is gone.
/// </summary>
public sealed class ObjectNotFoundException : SlateFastException
{
    /// <summary>Creates the exception for the missing object.</summary>
    public ObjectNotFoundException(string path)
        : base(ErrorKind.Data, $"object not found: {path}")
    {
        Path = path;
    }

    /// <summary>The path of the missing object.</summary>
    public string Path { get; }
}
