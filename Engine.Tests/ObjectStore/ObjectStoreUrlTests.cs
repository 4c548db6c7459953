using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.ObjectStore;

public sealed class ObjectStoreUrlTests
{
    [Fact]
    public void A_file_url_opens_a_local_store_at_its_absolute_path()
    {
        using var folder = new TempFolder("url");
        var store = Assert.IsType<LocalObjectStore>(ObjectStores.FromUrl("file://" + folder.Path));
        Assert.Equal(folder.Path, store.Root);
    }

    [Fact]
    public void A_bare_memory_url_is_a_fresh_store_and_a_named_one_is_shared()
    {
        Assert.NotSame(ObjectStores.FromUrl("memory:///"), ObjectStores.FromUrl("memory:///"));
        Assert.Same(ObjectStores.FromUrl("memory:///shared-x"), ObjectStores.FromUrl("memory:///shared-x"));
    }

    [Fact]
    public void An_s3_url_carries_bucket_prefix_endpoint_region_and_etag_quoting()
    {
        var url = ObjectStores.ParseUrl("s3://my-bucket/some/prefix/?endpoint=http://127.0.0.1:7480&region=eu-west-1&quote_etag=false&part_size=6000000");
        Assert.Equal("s3", url.Scheme);
        Assert.Equal("my-bucket", url.S3!.Bucket);
        Assert.Equal("some/prefix", url.S3.Prefix);
        Assert.Equal("http://127.0.0.1:7480", url.S3.Endpoint);
        Assert.Equal("eu-west-1", url.S3.Region);
        Assert.False(url.S3.QuoteIfMatchETag);
        Assert.Equal(6_000_000, url.S3.PartSize);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/just/a/path", "/just/a/path")]
    [InlineData("file://relative/path", "file://relative/path")]
    [InlineData("ftp://host/x", "unsupported scheme 'ftp'")]
    [InlineData("s3://B/x", "bucket name 'B'")]
    [InlineData("s3://bucket/x?endpoint=notaurl", "endpoint")]
    [InlineData("s3://bucket/x?colour=blue", "unknown parameter 'colour'")]
    [InlineData("s3://bucket/a/../b", "'..'")]
    [InlineData("memory:oops", "memory:oops")]
    [InlineData("s3://bucket/x?part_size=10", "part_size")]
    public void Bad_urls_are_invalid_with_a_message_naming_the_problem(string url, string expected)
    {
        var e = Assert.Throws<SlateFastException>(() => ObjectStores.FromUrl(url));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_in_an_s3_url_are_rejected_without_being_echoed()
    {
        var e = Assert.Throws<SlateFastException>(() => ObjectStores.FromUrl("s3://AKIAEXAMPLE:SuperSecret@bucket/prefix"));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.DoesNotContain("SuperSecret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAEXAMPLE", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SuperSecret", e.ToString(), StringComparison.Ordinal);
    }
}
