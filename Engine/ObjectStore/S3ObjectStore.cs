using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace SlateFast.ObjectStore;

/// <summary>
/// S3 and S3-compatible servers through AWSSDK.S3. Conditional writes use If-None-Match: * and
/// If-Match, which is what the manifest and WAL protocols need; they are always single PUTs,
/// because some servers ignore conditions on CompleteMultipartUpload.
/// </summary>
/// <remarks>The SDK's own retries are off: <see cref="RetryingObjectStore"/> retries with knowledge of which
/// failures are ambiguous for conditional writes.</remarks>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3StoreOptions _options;
    private readonly string _prefix;

    /// <summary>Creates the store. Nothing is sent until the first call.</summary>
    public S3ObjectStore(S3StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConnectTimeout <= TimeSpan.Zero || options.RequestTimeout <= TimeSpan.Zero || options.MinBytesPerSecond < 1 || options.OperationTimeout is { } t && t <= TimeSpan.Zero)
        {
            ThrowHelper.Invalid("S3 timeouts and the minimum transfer rate must be positive");
        }

        if (options.PartSize < S3StoreOptions.MinPartSize || options.MultipartThreshold < S3StoreOptions.MinPartSize)
        {
            ThrowHelper.Invalid($"S3 part size and multipart threshold must be at least {S3StoreOptions.MinPartSize} bytes");
        }

        _options = options;
        _prefix = options.Prefix.Length == 0 ? string.Empty : options.Prefix.Trim('/') + "/";
        var config = new AmazonS3Config
        {
            AuthenticationRegion = options.Region,
            ForcePathStyle = options.ForcePathStyle ?? options.Endpoint is not null,
            MaxErrorRetry = 0,
            // Every call carries its own deadline (Call); the SDK's own timeout would only cut
            // large transfers short, and its retries are off so ours are the only ones.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            HttpClientFactory = new ConnectTimeoutHttpClientFactory(options.ConnectTimeout),
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is not null)
        {
            config.ServiceURL = options.Endpoint;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        _client = options.Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(options.Credentials, config);
    }

    /// <summary>The settings in use.</summary>
    public S3StoreOptions Options => _options;

    /// <inheritdoc/>
    public override string ToString() =>
        $"s3://{_options.Bucket}/{_options.Prefix}" + (_options.Endpoint is null ? string.Empty : $" at {_options.Endpoint}");

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    /// <inheritdoc/>
    public async ValueTask<ObjectMeta> PutAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        var response = await Call("put", path, data.Length, token => _client.PutObjectAsync(PutRequest(key, data), token), cancellationToken).ConfigureAwait(false);
        return new ObjectMeta(path, data.Length, Unquote(response.ETag), DateTimeOffset.UtcNow);
    }

    /// <inheritdoc/>
    public async ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        var request = PutRequest(key, data);
        request.IfNoneMatch = "*";
        try
        {
            var response = await Call("put-if-absent", path, data.Length, token => _client.PutObjectAsync(request, token), cancellationToken).ConfigureAwait(false);
            return PutResult.Success(Unquote(response.ETag));
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.PreconditionFailed)
        {
            // The object may be our own: .NET's HTTP client resends a request, unseen by us, when a
            // pooled connection closes before any answer, and the first send may have been applied.
            // Found by the truncating proxy (a fresh WAL object "already existed" and fenced the
            // writer). Read back: the bytes are ours exactly when the write was.
            return await AmbiguousWrites.ResolveAsync(this, path, data, PutResult.Exists, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<PutResult> PutIfMatchAsync(string path, ReadOnlyMemory<byte> data, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(etag);
        var key = Key(path);
        var request = PutRequest(key, data);
        request.IfMatch = _options.QuoteIfMatchETag ? $"\"{Unquote(etag)}\"" : Unquote(etag);
        try
        {
            var response = await Call("put-if-match", path, data.Length, token => _client.PutObjectAsync(request, token), cancellationToken).ConfigureAwait(false);
            return PutResult.Success(Unquote(response.ETag));
        }
        catch (ObjectStoreException e) when (e.StatusCode is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            // As for create-if-absent: a resend unseen by us may have swapped in our bytes first.
            return await AmbiguousWrites.ResolveAsync(this, path, data, PutResult.Failed, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.InternalServerError)
        {
            // Ceph's radosgw answers the losers of concurrent If-Match writes with 500 instead of
            // 412, and a 500 may also hide an applied write: read back to know which.
            return await AmbiguousWrites.ResolveAsync(this, path, data, PutResult.Failed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ObjectData?> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        try
        {
            return await Call("get", path, 0, async (token, deadline) =>
            {
                using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, token).ConfigureAwait(false);
                var length = response.ContentLength;
                deadline.Extend(length); // the size is known once the answer starts
                var buffer = GC.AllocateUninitializedArray<byte>(checked((int)length));
                var read = await ReadBody("get", path, response.ResponseStream, buffer, token).ConfigureAwait(false);
                if (read != length)
                {
                    throw new ObjectStoreException("get", path, isTransient: true, $"body ended after {read} of {length} bytes");
                }

                return new ObjectData(buffer, new ObjectMeta(path, length, Unquote(response.ETag), LastModified(response.LastModified)));
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(length);
        var n = await ReadRangeAsync(path, offset, buffer, cancellationToken).ConfigureAwait(false);
        return buffer.AsMemory(0, n);
    }

    /// <inheritdoc/>
    public async ValueTask<int> ReadRangeAsync(string path, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (offset < 0)
        {
            ThrowHelper.Invalid($"invalid range: offset {offset}, length {destination.Length}");
        }

        var key = Key(path);
        if (destination.Length == 0)
        {
            // An empty range cannot be asked for in HTTP; an existence check keeps the contract.
            _ = await HeadAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(path);
            return 0;
        }

        try
        {
            var request = new GetObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                ByteRange = new ByteRange(offset, offset + destination.Length - 1),
            };
            return await Call("get-range", path, destination.Length, async token =>
            {
                using var response = await _client.GetObjectAsync(request, token).ConfigureAwait(false);
                var expected = (int)Math.Min(response.ContentLength, destination.Length);
                var read = await ReadBody("get-range", path, response.ResponseStream, destination[..expected], token).ConfigureAwait(false);
                if (read != expected)
                {
                    throw new ObjectStoreException("get-range", path, isTransient: true, $"body ended after {read} of {expected} bytes");
                }

                return read;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(path);
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The range starts at or past the end.
            return 0;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ObjectMeta?> HeadAsync(string path, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        try
        {
            var response = await Call("head", path, 0, token => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, token), cancellationToken).ConfigureAwait(false);
            return new ObjectMeta(path, response.ContentLength, Unquote(response.ETag), LastModified(response.LastModified));
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ListPage> ListPageAsync(string prefix, string? continuationToken = null, int pageSize = ListPage.MaxPageSize, CancellationToken cancellationToken = default)
    {
        ObjectPath.ValidatePrefix(prefix);
        if (pageSize is < 1 or > ListPage.MaxPageSize)
        {
            ThrowHelper.Invalid($"list page size must be 1..{ListPage.MaxPageSize}, got {pageSize}");
        }

        var request = new ListObjectsV2Request
        {
            BucketName = _options.Bucket,
            Prefix = _prefix + prefix,
            MaxKeys = pageSize,
            ContinuationToken = continuationToken,
        };
        var response = await Call("list", prefix, 0, token => _client.ListObjectsV2Async(request, token), cancellationToken).ConfigureAwait(false);
        var objects = new List<ObjectMeta>(response.S3Objects?.Count ?? 0);
        foreach (var o in response.S3Objects ?? [])
        {
            objects.Add(new ObjectMeta(o.Key[_prefix.Length..], o.Size ?? 0, Unquote(o.ETag), LastModified(o.LastModified)));
        }

        return new ListPage(objects, response.IsTruncated == true ? response.NextContinuationToken : null);
    }

    /// <inheritdoc/>
    public async ValueTask DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        try
        {
            await Call("delete", path, 0, token => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }, token), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
        }
    }

    /// <inheritdoc/>
    public ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IObjectWriter>(new Writer(this, path, Key(path)));

    private const string CreateBucketOperation = "create-bucket";
    private Task? _bucketCreated;

    // create_bucket=true: the first operation makes the bucket; a failed attempt is tried again.
    private Task EnsureBucketOnceAsync(CancellationToken cancellationToken)
    {
        var task = Volatile.Read(ref _bucketCreated);
        if (task is null || task.IsFaulted || task.IsCanceled)
        {
            task = EnsureBucketAsync(cancellationToken);
            Volatile.Write(ref _bucketCreated, task);
        }

        return task;
    }

    /// <summary>Creates the bucket unless it exists (for tests and first-time setup).</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Call(CreateBucketOperation, _options.Bucket, 0, token => _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, token), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.Conflict)
        {
            // BucketAlreadyOwnedByYou / BucketAlreadyExists.
        }
    }

    private string Key(string path)
    {
        ObjectPath.Validate(path);
        return _prefix + path;
    }

    private PutObjectRequest PutRequest(string key, ReadOnlyMemory<byte> data) => new()
    {
        BucketName = _options.Bucket,
        Key = key,
        InputStream = AsStream(data),
        AutoCloseStream = true,
        UseChunkEncoding = false,
    };

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private static string Unquote(string? etag) => etag is null ? string.Empty : etag.Trim('"');

    private static DateTimeOffset LastModified(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime()) : DateTimeOffset.UnixEpoch;

    private static async Task<int> ReadBody(string operation, string path, Stream body, Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new ObjectStoreException(operation, path, isTransient: true, $"reading the body failed: {e.Message}", inner: e);
        }
    }

    // Every SDK call goes through here, under a deadline of its own, so errors become
    // ObjectStoreException with a status code and a transient flag, a request that gets no answer
    // fails as a timeout naming the endpoint, and no SDK exception (which may echo request
    // details) escapes.
    private Task<T> Call<T>(string operation, string path, long bytes, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        Call(operation, path, bytes, (token, _) => call(token), cancellationToken);

    private async Task<T> Call<T>(string operation, string path, long bytes, Func<CancellationToken, Deadline, Task<T>> call, CancellationToken cancellationToken)
    {
        if (_options.CreateBucket && operation != CreateBucketOperation)
        {
            await EnsureBucketOnceAsync(cancellationToken).ConfigureAwait(false);
        }

        using var deadline = new Deadline(this, bytes, cancellationToken);
        try
        {
            return await call(deadline.Token, deadline).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (!deadline.Expired)
        {
            var status = (int)e.StatusCode;
            var transient = status >= 500 || status is 408 or 429 || status == 409 && e.ErrorCode == "ConditionalRequestConflict"
                || e.ErrorCode is "SlowDown" or "RequestTimeout" or "InternalError";
            var hint = e.ErrorCode == "NoSuchBucket" ? $" (the bucket '{_options.Bucket}' does not exist at {Endpoint}; create it, or add create_bucket=true to the store URL)" : string.Empty;
            throw new ObjectStoreException(operation, path, transient, $"{status} {e.ErrorCode}: {e.Message}{hint}", status, e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (deadline.Expired && e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException or TimeoutException)
        {
            throw new ObjectStoreException(operation, path, isTransient: true, $"S3 {operation} at {Endpoint} timed out: no answer within {Durations.Format(deadline.Limit)} (request_timeout)", inner: e) { TimedOut = true };
        }
        catch (AmazonClientException e) when (e.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal))
        {
            // Not a network failure: retrying cannot help, and the SDK's own message lists every
            // provider it tried over many lines.
            throw new ObjectStoreException(operation, path, isTransient: false, $"no AWS credentials for {Endpoint}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)", inner: e);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException or TimeoutException)
        {
            // Network failures and resets.
            throw new ObjectStoreException(operation, path, isTransient: true, $"S3 {operation} at {Endpoint} failed: {e.Message}", inner: e);
        }
    }

    private string Endpoint => _options.Endpoint ?? $"AWS S3 ({_options.Region})";

    /// <summary>One request's deadline: the request timeout plus its body at the slowest allowed rate.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly S3ObjectStore _store;
        private readonly CancellationTokenSource _source;
        private readonly CancellationToken _caller;

        public Deadline(S3ObjectStore store, long bytes, CancellationToken cancellationToken)
        {
            _store = store;
            _caller = cancellationToken;
            _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Extend(bytes);
        }

        public CancellationToken Token => _source.Token;

        public TimeSpan Limit { get; private set; }

        // The caller's token cancels too; only our timer makes this a timeout.
        public bool Expired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

        /// <summary>Restarts the deadline for a body of <paramref name="bytes"/> (a GET learns its size from the answer).</summary>
        public void Extend(long bytes)
        {
            var options = _store._options;
            Limit = options.RequestTimeout + TimeSpan.FromSeconds((double)Math.Max(0, bytes) / options.MinBytesPerSecond);
            _source.CancelAfter(Limit);
        }

        public void Dispose() => _source.Dispose();
    }

    // The SDK's HTTP client with a connect timeout: without one, a connection to an address that
    // never answers waits for the operating system (minutes) before the request deadline applies.
    private sealed class ConnectTimeoutHttpClientFactory(TimeSpan connectTimeout) : Amazon.Runtime.HttpClientFactory
    {
        public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) =>
            new(new SocketsHttpHandler { ConnectTimeout = connectTimeout, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
            {
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };

        public override bool UseSDKHttpClientCaching(Amazon.Runtime.IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(Amazon.Runtime.IClientConfig clientConfig) => false;

        public override string? GetConfigUniqueString(Amazon.Runtime.IClientConfig clientConfig) => null;
    }

    private sealed class Writer(S3ObjectStore store, string path, string key) : IObjectWriter
    {
        private readonly List<PartETag> _parts = [];
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(store._options.PartSize);
        private int _buffered;
        private string? _uploadId;
        private bool _done;

        public string Path => path;

        public long BytesWritten { get; private set; }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            EnsureOpen();
            try
            {
                while (data.Length > 0)
                {
                    var n = Math.Min(data.Length, store._options.PartSize - _buffered);
                    data.Span[..n].CopyTo(_buffer.AsSpan(_buffered));
                    _buffered += n;
                    BytesWritten += n;
                    data = data[n..];
                    if (_buffered == store._options.PartSize && (BytesWritten > store._options.MultipartThreshold || data.Length > 0 || _uploadId is not null))
                    {
                        await UploadPartAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch
            {
                await AbortAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        public async ValueTask<ObjectMeta> CompleteAsync(CancellationToken cancellationToken = default)
        {
            EnsureOpen();
            try
            {
                if (_uploadId is null)
                {
                    var meta = await store.PutAsync(path, _buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
                    Release();
                    _done = true;
                    return meta;
                }

                if (_buffered > 0)
                {
                    await UploadPartAsync(cancellationToken).ConfigureAwait(false);
                }

                var request = new CompleteMultipartUploadRequest { BucketName = store._options.Bucket, Key = key, UploadId = _uploadId, PartETags = _parts };
                var response = await store.Call("complete-multipart", path, 0, token => store._client.CompleteMultipartUploadAsync(request, token), cancellationToken).ConfigureAwait(false);
                Release();
                _done = true;
                return new ObjectMeta(path, BytesWritten, Unquote(response.ETag), DateTimeOffset.UtcNow);
            }
            catch
            {
                await AbortAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        public async ValueTask AbortAsync(CancellationToken cancellationToken = default)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            Release();
            if (_uploadId is { } id)
            {
                _uploadId = null;
                try
                {
                    await store.Call("abort-multipart", path, 0, token => store._client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = store._options.Bucket, Key = key, UploadId = id }, token), cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectStoreException)
                {
                    // The upload stays invisible either way; a bucket lifecycle rule reclaims its parts.
                }
            }
        }

        public ValueTask DisposeAsync() => AbortAsync();

        private async Task UploadPartAsync(CancellationToken cancellationToken)
        {
            if (_uploadId is null)
            {
                var init = await store.Call("start-multipart", path, 0, token => store._client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = store._options.Bucket, Key = key }, token), cancellationToken).ConfigureAwait(false);
                _uploadId = init.UploadId;
            }

            var partNumber = _parts.Count + 1;
            var request = new UploadPartRequest
            {
                BucketName = store._options.Bucket,
                Key = key,
                UploadId = _uploadId,
                PartNumber = partNumber,
                InputStream = new MemoryStream(_buffer!, 0, _buffered, writable: false),
                PartSize = _buffered,
                UseChunkEncoding = false,
            };
            var response = await store.Call("upload-part", path, _buffered, token => store._client.UploadPartAsync(request, token), cancellationToken).ConfigureAwait(false);
            _parts.Add(new PartETag(partNumber, response.ETag));
            _buffered = 0;
        }

        private void EnsureOpen()
        {
            if (_done || _buffer is null)
            {
                throw new SlateFastException(ErrorKind.Invalid, $"writer for {path} is already completed or aborted");
            }
        }

        private void Release()
        {
            if (_buffer is { } b)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(b);
            }
        }
    }
}
