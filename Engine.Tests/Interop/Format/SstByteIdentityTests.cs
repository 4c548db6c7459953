using SlateFast.ObjectStore;
using SlateFast.Sst;
using Xunit.Abstractions;

namespace SlateFast.Tests.Interop.Format;

/// <summary>
/// SlateFast's SST builder reproduces SlateDB's SSTs from their rows (issue 3, part 3): whole files
/// when uncompressed; when compressed (Rust's and .NET's compressors differ) every decompressed
/// section payload, with the index checked against SlateDB's own block offsets.
/// </summary>
[Collection(SlateDbDatabasesCollection.Name)]
public sealed class SstByteIdentityOfEveryKindTests(SlateDbDatabases dbs, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(SlateDbDatabases.KindData), MemberType = typeof(SlateDbDatabases))]
    public async Task Every_uncompressed_SST_rebuilt_from_its_rows_is_byte_identical_to_SlateDB_file(string kind)
    {
        var g = dbs[kind];
        Assert.Equal("none", g.Codec);

        var ssts = await SstRebuild.RebuildEverySstAsync(g);

        output.WriteLine($"{kind}: {ssts.Count} SSTs, {ssts.Sum(s => s.Rebuilt.Length)} bytes");
        Assert.All(ssts, SstIdentity.WholeFile);
    }
}

/// <summary>The same for databases written with every codec and block size.</summary>
[Collection(SlateDbCodecDatabasesCollection.Name)]
public sealed class SstByteIdentityOfEveryCodecTests(SlateDbCodecDatabases dbs, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(SlateDbCodecDatabases.VariantData), MemberType = typeof(SlateDbCodecDatabases))]
    public async Task Every_SST_rebuilt_from_its_rows_has_SlateDB_decompressed_blocks_filter_index_and_stats(string kind, string codec, int blockSize)
    {
        output.WriteLine($"seed {SlateDbCodecDatabases.SeedOf(kind, codec, blockSize)}");
        var ssts = await SstRebuild.RebuildEverySstAsync(dbs[kind, codec, blockSize]);

        var whole = ssts.Count(s => s.Rebuilt.AsSpan().SequenceEqual(s.Original.Bytes));
        output.WriteLine($"{kind}/{codec}/{blockSize}: {ssts.Count} SSTs ({ssts.Count(s => s.Original.File.Filter is not null)} with filters), {whole} identical as whole files");
        if (codec == "none")
        {
            Assert.All(ssts, SstIdentity.WholeFile);
        }
        else
        {
            foreach (var sst in ssts)
            {
                await SstIdentity.SectionPayloadsAsync(sst);
            }
        }
    }
}

/// <summary>The comparisons behind the byte-identity tests.</summary>
internal static class SstIdentity
{
    public static void WholeFile(RebuiltSst sst)
    {
        var original = sst.Original.Bytes;
        var rebuilt = sst.Rebuilt;
        var common = Math.Min(original.Length, rebuilt.Length);
        var first = original.AsSpan(0, common).CommonPrefixLength(rebuilt.AsSpan(0, common));
        Assert.True(
            original.AsSpan().SequenceEqual(rebuilt),
            $"{sst.Path}: rebuilt file differs (SlateDB {original.Length} bytes, SlateFast {rebuilt.Length} bytes, first difference at byte {first})");
    }

    public static async Task SectionPayloadsAsync(RebuiltSst sst)
    {
        var original = sst.Original;
        var store = new InMemoryObjectStore();
        await store.PutAsync("rebuilt.sst", sst.Rebuilt);
        var rebuilt = await StoredSst.ReadAsync(store, "rebuilt.sst", original.File.FooterVersion);
        var path = sst.Path;

        Assert.Equal(original.Rows, rebuilt.Rows);
        Assert.True(original.Blocks.Count == rebuilt.Blocks.Count, $"{path}: {original.Blocks.Count} blocks, rebuilt {rebuilt.Blocks.Count}");
        for (var b = 0; b < original.Blocks.Count; b++)
        {
            Assert.True(original.Blocks[b].Span.SequenceEqual(rebuilt.Blocks[b].Span), $"{path}: decompressed block {b} differs");
        }

        Assert.True(original.FilterPayload.Span.SequenceEqual(rebuilt.FilterPayload.Span), $"{path}: filter payload differs");
        Assert.True(original.StatsPayload.Span.SequenceEqual(rebuilt.StatsPayload.Span), $"{path}: stats payload differs");

        // Block offsets depend on compressed sizes, so the index is re-encoded with SlateDB's own
        // offsets and the rebuilt index keys: that must give SlateDB's index payload exactly.
        var index = new SsTableIndexBuilder();
        for (var b = 0; b < original.File.BlockCount; b++)
        {
            Assert.True(original.File.Index.FirstKey(b).SequenceEqual(rebuilt.File.Index.FirstKey(b)), $"{path}: index key of block {b} differs");
            index.AddBlock(original.File.Index.BlockOffset(b), rebuilt.File.Index.FirstKey(b));
        }

        Assert.True(original.IndexPayload.Span.SequenceEqual(index.Finish()), $"{path}: index payload differs");

        var (a, r) = (original.File.Info, rebuilt.File.Info);
        Assert.Equal((a.Compression, a.SstType, a.FilterLength == 0), (r.Compression, r.SstType, r.FilterLength == 0));
        Assert.True(SsTableInfo.BytesEqual(a.FirstEntry, r.FirstEntry) && SsTableInfo.BytesEqual(a.LastEntry, r.LastEntry), $"{path}: first/last entry differ");
    }
}
