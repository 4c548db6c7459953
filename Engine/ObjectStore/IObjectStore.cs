namespace SlateFast.ObjectStore;

/// <summary>
/// The storage every durable byte of a database lives in: WAL SSTs, compacted SSTs and manifests
/// are objects. Paths are relative, '/'-separated names (see <see cref="ObjectPath"/>).
/// </summary>
/// <remarks>
/// Implementations are thread-safe. Failures of the store itself surface as
/// <see cref="ObjectStoreException"/> (kind <see cref="ErrorKind.Unavailable"/>) whose
/// <see cref="ObjectStoreException.IsTransient"/> tells a retrying layer whether another attempt may succeed.
/// </remarks>
public interface IObjectStore
{
    /// <summary>Writes the object, replacing any existing one.</summary>
    ValueTask<ObjectMeta> PutAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically creates the object only if no object exists at <paramref name="path"/>. Of several
    /// racing creators exactly one gets <see cref="PutOutcome.Stored"/>; the others get
    /// <see cref="PutOutcome.AlreadyExists"/> and the stored bytes are the winner's.
    /// </summary>
    ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically replaces the object only if its current entity tag equals <paramref name="etag"/>
    /// (compare-and-swap). A stale tag or a missing object gives <see cref="PutOutcome.PreconditionFailed"/>.
    /// </summary>
    ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole object, or returns null when it does not exist.</summary>
    ValueTask<ObjectData?> GetAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads up to <paramref name="length"/> bytes starting at <paramref name="offset"/>. A range
    /// running past the end is cut at the end; one starting at or after the end is empty.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The object does not exist.</exception>
    ValueTask<ReadOnlyMemory<byte>> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads bytes starting at <paramref name="offset"/> into <paramref name="destination"/> and
    /// returns how many were read (fewer than its length only at the end of the object).
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The object does not exist.</exception>
    ValueTask<int> ReadRangeAsync(string path, long offset, Memory<byte> destination, CancellationToken cancellationToken = default);

    /// <summary>Size, entity tag and modification time of an object, or null when it does not exist.</summary>
    ValueTask<ObjectMeta?> HeadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the objects whose path starts with <paramref name="prefix"/> (a plain string
    /// prefix, not a folder), in ascending ordinal order of path.
    /// </summary>
    /// <param name="prefix">The path prefix; empty lists everything.</param>
    /// <param name="continuationToken">The <see cref="ListPage.ContinuationToken"/> of the previous page, or null for the first.</param>
    /// <param name="pageSize">The most objects to return (1..1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    ValueTask<ListPage> ListPageAsync(string prefix, string? continuationToken = null, int pageSize = ListPage.MaxPageSize, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object. Deleting a missing object succeeds.</summary>
    ValueTask DeleteAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a streaming write of a large object. Memory stays bounded by one part whatever the
    /// object's size. Nothing is visible until <see cref="IObjectWriter.CompleteAsync"/> succeeds;
    /// an aborted or abandoned writer leaves nothing behind.
    /// </summary>
    ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default);
}

/// <summary>A streaming upload started by <see cref="IObjectStore.OpenWriterAsync"/>.</summary>
public interface IObjectWriter : IAsyncDisposable
{
    /// <summary>The path the object will have.</summary>
    string Path { get; }

    /// <summary>Bytes accepted so far.</summary>
    long BytesWritten { get; }

    /// <summary>Appends bytes. The writer copies what it needs; the caller may reuse the buffer on return.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Makes the object visible, replacing any object at the same path.</summary>
    ValueTask<ObjectMeta> CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Discards everything written. Idempotent; disposing an uncompleted writer aborts it.</summary>
    ValueTask AbortAsync(CancellationToken cancellationToken = default);
}

/// <summary>What an object store knows about an object.</summary>
/// <param name="Path">The object's path.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="ETag">An opaque tag that changes whenever the object is replaced (unquoted).</param>
/// <param name="LastModified">When it was last written.</param>
public readonly record struct ObjectMeta(string Path, long Size, string ETag, DateTimeOffset LastModified);

/// <summary>A whole object read by <see cref="IObjectStore.GetAsync"/>.</summary>
/// <param name="Data">The object's bytes.</param>
/// <param name="Meta">Its metadata as of the read.</param>
public sealed record ObjectData(ReadOnlyMemory<byte> Data, ObjectMeta Meta);

/// <summary>How a conditional put ended.</summary>
public enum PutOutcome
{
    /// <summary>The object was written.</summary>
    Stored,

    /// <summary>Create-if-absent lost: an object already exists at the path.</summary>
    AlreadyExists,

    /// <summary>Compare-and-swap lost: the object changed or no longer exists.</summary>
    PreconditionFailed,
}

/// <summary>The result of a conditional put.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="ETag">The new object's entity tag when <see cref="Outcome"/> is <see cref="PutOutcome.Stored"/>.</param>
public readonly record struct PutResult(PutOutcome Outcome, string? ETag)
{
    /// <summary>Whether the object was written.</summary>
    public bool Stored => Outcome == PutOutcome.Stored;

    internal static PutResult Success(string etag) => new(PutOutcome.Stored, etag);

    internal static readonly PutResult Exists = new(PutOutcome.AlreadyExists, null);

    internal static readonly PutResult Failed = new(PutOutcome.PreconditionFailed, null);
}

/// <summary>One page of a listing.</summary>
/// <param name="Objects">The objects, in ascending ordinal order of path.</param>
/// <param name="ContinuationToken">Pass to the next call to continue; null when the listing is complete.</param>
public sealed record ListPage(IReadOnlyList<ObjectMeta> Objects, string? ContinuationToken)
{
    /// <summary>The largest page a store returns (S3's limit).</summary>
    public const int MaxPageSize = 1000;
}
