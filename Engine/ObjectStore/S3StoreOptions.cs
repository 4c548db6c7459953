namespace SlateFast.ObjectStore;

/// <summary>Settings of an <see cref="S3ObjectStore"/>.</summary>
public sealed record S3StoreOptions
{
    /// <summary>S3's smallest part size for every part but the last.</summary>
    public const int MinPartSize = 5 * 1024 * 1024;

    /// <summary>The bucket. Required.</summary>
    public required string Bucket { get; init; }

    /// <summary>A key prefix under which every object of this store lives ("" for the bucket root).</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>An endpoint for S3-compatible servers, for example http://127.0.0.1:7480; null for AWS.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The region used for signing.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Path-style addressing (bucket in the path); null means "true when an endpoint is set".</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>
    /// Whether If-Match sends the entity tag in quotes as RFC 9110 says. Some S3-compatible servers
    /// (Ceph's radosgw among them) only match unquoted tags.
    /// </summary>
    public bool QuoteIfMatchETag { get; init; } = true;

    /// <summary>Objects written through a streaming writer stay single-PUT up to this size.</summary>
    public int MultipartThreshold { get; init; } = 8 * 1024 * 1024;

    /// <summary>The size of each multipart part (at least <see cref="MinPartSize"/>).</summary>
    public int PartSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// How long opening a TCP connection may take (URL: <c>connect_timeout</c>). A refused
    /// connection fails at once; this bounds one that is never answered.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long one request may take, answer and body included, when it carries no large body
    /// (URL: <c>request_timeout</c>). Requests that carry or fetch a body get
    /// <see cref="MinBytesPerSecond"/> on top. A request past its deadline fails as a transient
    /// timeout and is retried within <see cref="OperationTimeout"/>.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The slowest transfer rate a request's deadline allows for its body (default 1 MiB/s).</summary>
    public long MinBytesPerSecond { get; init; } = 1024 * 1024;

    /// <summary>
    /// How long one operation may take over all its attempts (URL: <c>operation_timeout</c>); no
    /// retry starts after it, and the error says it timed out. Null: bounded by attempts only.
    /// </summary>
    public TimeSpan? OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Create the bucket on first use when it does not exist (URL: <c>create_bucket=true</c>).
    /// Off by default: a mistyped bucket name should fail, not create a bucket.
    /// </summary>
    public bool CreateBucket { get; init; }

    /// <summary>
    /// Explicit credentials, for tests and embedding. Null uses the standard AWS credential chain
    /// (environment, shared profile, instance metadata). Never logged.
    /// </summary>
    public Amazon.Runtime.AWSCredentials? Credentials { get; init; }
}
