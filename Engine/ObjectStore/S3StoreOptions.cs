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

    /// <summary>Per-request timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Explicit credentials, for tests and embedding. Null uses the standard AWS credential chain
    /// (environment, shared profile, instance metadata). Never logged.
    /// </summary>
    public Amazon.Runtime.AWSCredentials? Credentials { get; init; }
}
