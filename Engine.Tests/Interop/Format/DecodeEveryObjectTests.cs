using Xunit.Abstractions;

namespace SlateFast.Tests.Interop.Format;

/// <summary>Every manifest, compactions file and SST SlateDB wrote decodes with SlateFast's codecs (issue 3, part 1).</summary>
[Collection(SlateDbDatabasesCollection.Name)]
public sealed class DecodeEveryObjectOfEveryKindTests(SlateDbDatabases dbs, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(SlateDbDatabases.KindData), MemberType = typeof(SlateDbDatabases))]
    public async Task Every_object_of_a_SlateDB_database_decodes_with_SlateFast_codecs(string kind)
    {
        var counts = await DatabaseDecoding.DecodeEveryObjectAsync(dbs[kind]);

        output.WriteLine($"{kind}: {counts}");
        Assert.True(counts.Manifests >= 2 && counts.WalSsts >= 1 && counts.Rows > 0, counts.ToString());
    }
}

/// <summary>The same for `random` databases written with every codec and block size.</summary>
[Collection(SlateDbCodecDatabasesCollection.Name)]
public sealed class DecodeEveryObjectOfEveryCodecTests(SlateDbCodecDatabases dbs, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(SlateDbCodecDatabases.VariantData), MemberType = typeof(SlateDbCodecDatabases))]
    public async Task Every_object_of_a_database_written_with_any_codec_decodes_with_SlateFast_codecs(string kind, string codec, int blockSize)
    {
        output.WriteLine($"seed {SlateDbCodecDatabases.SeedOf(kind, codec, blockSize)}");
        var counts = await DatabaseDecoding.DecodeEveryObjectAsync(dbs[kind, codec, blockSize]);

        output.WriteLine($"{kind}/{codec}/{blockSize}: {counts}");
        Assert.True(counts.CompactedSsts > 0 && counts.Blocks > 0, counts.ToString());
    }
}
