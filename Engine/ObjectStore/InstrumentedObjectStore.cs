using System.Diagnostics;
using System.Diagnostics.Metrics;
using SlateFast.Diagnostics;

namespace SlateFast.ObjectStore;

/// <summary>
/// Counts requests, bytes, errors and latency per operation on the <c>SlateFast</c> meter:
/// <c>slatefast.object_store.requests</c>, <c>.errors</c>, <c>.bytes_read</c>, <c>.bytes_written</c>
/// and the histogram <c>.latency</c> (ms), each tagged with <c>op</c> and, when the store serves
/// one database, <c>db</c>.
/// </summary>
public sealed class InstrumentedObjectStore : ObjectStoreDecorator
{
    private static readonly Counter<long> s_requests = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.object_store.requests", "{request}", "Object store requests by operation");
    private static readonly Counter<long> s_errors = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.object_store.errors", "{request}", "Object store requests that failed");
    private static readonly Counter<long> s_bytesRead = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.object_store.bytes_read", "By", "Bytes read from the object store");
    private static readonly Counter<long> s_bytesWritten = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.object_store.bytes_written", "By", "Bytes written to the object store");
    private static readonly Histogram<double> s_latency = SlateFastMetrics.Meter.CreateHistogram<double>("slatefast.object_store.latency", "ms", "Object store request latency");

    private readonly string? _database;
    private long _requests;

    /// <summary>Wraps <paramref name="inner"/>; its measurements carry no <c>db</c> tag.</summary>
    public InstrumentedObjectStore(IObjectStore inner)
        : base(inner)
    {
    }

    /// <summary>Wraps <paramref name="inner"/> for the database at <paramref name="database"/>, the value of every measurement's <c>db</c> tag.</summary>
    public InstrumentedObjectStore(IObjectStore inner, string database)
        : base(inner)
    {
        _database = database;
    }

    /// <summary>Requests made through this instance (all operations).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <inheritdoc/>
    protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var tag = Tags(operation);
        Interlocked.Increment(ref _requests);
        s_requests.Add(1, tag);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call(cancellationToken).ConfigureAwait(false);
            var read = result switch
            {
                ObjectData d => d.Data.Length,
                ReadOnlyMemory<byte> m => m.Length,
                int n when operation == "get-range" => n,
                _ => 0,
            };
            if (read > 0)
            {
                s_bytesRead.Add(read, tag);
            }

            return result;
        }
        catch
        {
            s_errors.Add(1, tag);
            throw;
        }
        finally
        {
            s_latency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tag);
        }
    }

    /// <inheritdoc/>
    public override ValueTask<ObjectMeta> PutAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        s_bytesWritten.Add(data.Length, Tags("put"));
        return base.PutAsync(path, data, cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        s_bytesWritten.Add(data.Length, Tags("put-if-absent"));
        return base.PutIfAbsentAsync(path, data, cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default)
    {
        s_bytesWritten.Add(data.Length, Tags("put-if-match"));
        return base.PutIfMatchAsync(path, data, etag, cancellationToken);
    }

    /// <inheritdoc/>
    public override async ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default) =>
        new CountingWriter(await base.OpenWriterAsync(path, cancellationToken).ConfigureAwait(false), Tags("multipart"));

    private TagList Tags(string operation)
    {
        var tags = new TagList { { "op", operation } };
        if (_database is not null)
        {
            tags.Add("db", _database);
        }

        return tags;
    }

    private sealed class CountingWriter(IObjectWriter inner, TagList tags) : IObjectWriter
    {
        public string Path => inner.Path;

        public long BytesWritten => inner.BytesWritten;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            s_bytesWritten.Add(data.Length, tags);
            return inner.WriteAsync(data, cancellationToken);
        }

        public ValueTask<ObjectMeta> CompleteAsync(CancellationToken cancellationToken = default)
        {
            s_requests.Add(1, tags);
            return inner.CompleteAsync(cancellationToken);
        }

        public ValueTask AbortAsync(CancellationToken cancellationToken = default) => inner.AbortAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
