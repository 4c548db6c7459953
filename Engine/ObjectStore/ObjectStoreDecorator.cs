namespace SlateFast.ObjectStore;

/// <summary>
/// Base of the store decorators: each operation goes through one method so a decorator adds its
/// behaviour (retries, metrics, faults) in one place.
/// </summary>
public abstract class ObjectStoreDecorator : IObjectStore
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected ObjectStoreDecorator(IObjectStore inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The wrapped store.</summary>
    public IObjectStore Inner { get; }

    /// <inheritdoc/>
    public override string ToString() => Inner.ToString() ?? GetType().Name;

    /// <summary>Runs one operation of the inner store; <paramref name="operation"/> names it ("put", "get-range", ...).</summary>
    protected abstract ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask<ObjectMeta> PutAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Execute("put", path, ct => Inner.PutAsync(path, data, ct), cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Execute("put-if-absent", path, ct => Inner.PutIfAbsentAsync(path, data, ct), cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default) =>
        Execute("put-if-match", path, ct => Inner.PutIfMatchAsync(path, data, etag, ct), cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask<ObjectData?> GetAsync(string path, CancellationToken cancellationToken = default) =>
        Execute("get", path, ct => Inner.GetAsync(path, ct), cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask<ReadOnlyMemory<byte>> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default) =>
        Execute("get-range", path, ct => Inner.GetRangeAsync(path, offset, length, ct), cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask<int> ReadRangeAsync(string path, long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        Execute("get-range", path, ct => Inner.ReadRangeAsync(path, offset, destination, ct), cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask<ObjectMeta?> HeadAsync(string path, CancellationToken cancellationToken = default) =>
        Execute("head", path, ct => Inner.HeadAsync(path, ct), cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask<ListPage> ListPageAsync(string prefix, string? continuationToken = null, int pageSize = ListPage.MaxPageSize, CancellationToken cancellationToken = default) =>
        Execute("list", prefix, ct => Inner.ListPageAsync(prefix, continuationToken, pageSize, ct), cancellationToken);

    /// <inheritdoc/>
    public virtual async ValueTask DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        await Execute("delete", path, async ct =>
        {
            await Inner.DeleteAsync(path, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public virtual ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default) =>
        Execute("open-writer", path, ct => Inner.OpenWriterAsync(path, ct), cancellationToken);
}
