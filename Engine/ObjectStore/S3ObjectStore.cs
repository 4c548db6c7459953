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
            Timeout = options.RequestTimeout,
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
        var response = await Call("put", path, () => _client.PutObjectAsync(PutRequest(key, data), cancellationToken), cancellationToken).ConfigureAwait(false);
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
            var response = await Call("put-if-absent", path, () => _client.PutObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            return PutResult.Success(Unquote(response.ETag));
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.PreconditionFailed)
        {
            return PutResult.Exists;
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
            var response = await Call("put-if-match", path, () => _client.PutObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            return PutResult.Success(Unquote(response.ETag));
        }
        catch (ObjectStoreException e) when (e.StatusCode is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return PutResult.Failed;
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
            using var response = await Call("get", path, () => _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, cancellationToken), cancellationToken).ConfigureAwait(false);
            var length = response.ContentLength;
            var buffer = GC.AllocateUninitializedArray<byte>(checked((int)length));
            var read = await ReadBody("get", path, response.ResponseStream, buffer, cancellationToken).ConfigureAwait(false);
            if (read != length)
            {
                throw new ObjectStoreException("get", path, isTransient: true, $"body ended after {read} of {length} bytes");
            }

            return new ObjectData(buffer, new ObjectMeta(path, length, Unquote(response.ETag), LastModified(response.LastModified)));
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
            using var response = await Call("get-range", path, () => _client.GetObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            var expected = (int)Math.Min(response.ContentLength, destination.Length);
            var read = await ReadBody("get-range", path, response.ResponseStream, destination[..expected], cancellationToken).ConfigureAwait(false);
            if (read != expected)
            {
                throw new ObjectStoreException("get-range", path, isTransient: true, $"body ended after {read} of {expected} bytes");
            }

            return read;
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
            var response = await Call("head", path, () => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, cancellationToken), cancellationToken).ConfigureAwait(false);
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
        var response = await Call("list", prefix, () => _client.ListObjectsV2Async(request, cancellationToken), cancellationToken).ConfigureAwait(false);
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
            await Call("delete", path, () => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
        }
    }

    /// <inheritdoc/>
    public ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IObjectWriter>(new Writer(this, path, Key(path)));

    /// <summary>Creates the bucket unless it exists (for tests and first-time setup).</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Call("create-bucket", _options.Bucket, () => _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, cancellationToken), cancellationToken).ConfigureAwait(false);
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

    // Every SDK call goes through here so errors become ObjectStoreException with a status code and
    // a transient flag, and no SDK exception (which may echo request details) escapes.
    private static async Task<T> Call<T>(string operation, string path, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            var status = (int)e.StatusCode;
            var transient = status >= 500 || status is 408 or 429 || status == 409 && e.ErrorCode == "ConditionalRequestConflict"
                || e.ErrorCode is "SlowDown" or "RequestTimeout" or "InternalError";
            throw new ObjectStoreException(operation, path, transient, $"{status} {e.ErrorCode}: {e.Message}", status, e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException or TimeoutException)
        {
            // Network failures, resets and timeouts.
            throw new ObjectStoreException(operation, path, isTransient: true, e.Message, inner: e);
        }
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
                var response = await Call("complete-multipart", path, () => store._client.CompleteMultipartUploadAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
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
                    await Call("abort-multipart", path, () => store._client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = store._options.Bucket, Key = key, UploadId = id }, cancellationToken), cancellationToken).ConfigureAwait(false);
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
                var init = await Call("start-multipart", path, () => store._client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = store._options.Bucket, Key = key }, cancellationToken), cancellationToken).ConfigureAwait(false);
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
            var response = await Call("upload-part", path, () => store._client.UploadPartAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
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
