using SlateFast.ObjectStore;

namespace SlateFast.Tests.Support;

/// <summary>
/// The real S3-compatible server (Ceph radosgw) that scripts/test starts on 127.0.0.1 and names in
/// SLATEFAST_TEST_S3_ENDPOINT. One bucket per test run.
/// </summary>
public sealed class S3Server : IAsyncLifetime
{
    public const string EndpointVariable = "SLATEFAST_TEST_S3_ENDPOINT";

    public string Endpoint { get; private set; } = string.Empty;

    public string Bucket { get; } = $"slatefast-tests-{Guid.NewGuid():N}"[..40];

    public async Task InitializeAsync()
    {
        Endpoint = Environment.GetEnvironmentVariable(EndpointVariable)
            ?? throw new InvalidOperationException(
                $"{EndpointVariable} is not set: the S3 tests need the radosgw server that scripts/test starts (run scripts/test, or scripts/rgw start DIR and export the endpoint it prints)");
        using var store = (S3ObjectStore)CreateStore();
        await store.EnsureBucketAsync();
    }

    /// <summary>A store on this run's bucket. Credentials come from the standard AWS sources (scripts/test exports them).</summary>
    public IObjectStore CreateStore(string prefix = "", int multipartThreshold = 8 * 1024 * 1024) =>
        new S3ObjectStore(new S3StoreOptions
        {
            Bucket = Bucket,
            Prefix = prefix,
            Endpoint = Endpoint,
            QuoteIfMatchETag = false,
            MultipartThreshold = multipartThreshold,
            PartSize = S3StoreOptions.MinPartSize,
        });

    /// <summary>The store URL form of the same bucket.</summary>
    public string Url(string prefix = "") => $"s3://{Bucket}/{prefix}?endpoint={Endpoint}&quote_etag=false";

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class S3ServerCollection : ICollectionFixture<S3Server>
{
    public const string Name = "S3 server";
}
