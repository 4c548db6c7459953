using SlateFast.Manifest;

namespace SlateFast.Tests.Manifest;

public class DbPathsTests
{
    [Fact]
    public void Paths_use_twenty_digit_ids_and_uppercase_ulids()
    {
        Assert.Equal("db/manifest/00000000000000000001.manifest", DbPaths.ManifestPath("db", 1));
        Assert.Equal("a/b/compactions/00000000000000000016.compactions", DbPaths.CompactionsPath("a/b/", 16));
        Assert.Equal("db/wal/18446744073709551615.sst", DbPaths.WalSstPath("db", ulong.MaxValue));
        Assert.Equal("db/compacted/01M7Y0GCP8PX5M67Y2ZYZ742N6.sst", DbPaths.CompactedSstPath("db", Ulid.Parse("01m7y0gcp8px5m67y2zyz742n6")));
        Assert.Equal("manifest/00000000000000000002.manifest", DbPaths.ManifestPath("", 2));
    }

    [Theory]
    [InlineData("db/manifest/00000000000000000007.manifest", true, 7UL)]
    [InlineData("00000000000000000007.manifest", true, 7UL)]
    [InlineData("7.manifest", true, 7UL)]
    [InlineData("7.tmp.manifest", true, 7UL)]
    [InlineData("7.manifest.tmp", false, 0UL)]
    [InlineData("x7.manifest", false, 0UL)]
    [InlineData("-7.manifest", false, 0UL)]
    [InlineData(".manifest", false, 0UL)]
    [InlineData("99999999999999999999.manifest", false, 0UL)]
    public void Manifest_names_parse_by_extension_and_leading_u64(string name, bool ok, ulong id)
    {
        Assert.Equal(ok, DbPaths.TryParseManifestName(name, out var got));
        Assert.Equal(id, got);
    }

    [Fact]
    public void Compactions_wal_and_compacted_names_parse_and_others_are_skipped()
    {
        Assert.True(DbPaths.TryParseCompactionsName("db/compactions/00000000000000000016.compactions", out var c));
        Assert.Equal(16UL, c);
        Assert.False(DbPaths.TryParseCompactionsName("00000000000000000016.manifest", out _));
        Assert.True(DbPaths.TryParseWalSstName("db/wal/00000000000000000003.sst", out var w));
        Assert.Equal(3UL, w);
        Assert.False(DbPaths.TryParseWalSstName("db/wal/abc.sst", out _));
        Assert.True(DbPaths.TryParseCompactedSstName("db/compacted/01M7Y0GCP8PX5M67Y2ZYZ742N6.sst", out var u));
        Assert.Equal("01M7Y0GCP8PX5M67Y2ZYZ742N6", u.ToString());
        Assert.False(DbPaths.TryParseCompactedSstName("db/compacted/not-a-ulid.sst", out _));
    }
}
