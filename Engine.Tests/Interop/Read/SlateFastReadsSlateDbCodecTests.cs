using SlateFast.Tests.Interop.Format;
using Xunit.Abstractions;

namespace SlateFast.Tests.Interop.Read;

/// <summary>Random SlateDB databases compressed with different codecs read the same in SlateFast as in SlateDB.</summary>
[Collection(SlateDbCodecDatabasesCollection.Name)]
public sealed class SlateFastReadsSlateDbCodecTests(SlateDbCodecDatabases dbs, ITestOutputHelper output)
{
    [Theory]
    [InlineData("snappy", 1024)]
    [InlineData("zstd", 1024)]
    [InlineData("lz4", 65536)]
    public async Task A_compressed_random_database_scans_and_reads_as_in_slatedb(string codec, int blockSize)
    {
        output.WriteLine($"generator seed {SlateDbCodecDatabases.SeedOf("random", codec, blockSize)}");
        await ReadComparison.AssertSlateFastReadsLikeSlateDbAsync(dbs["random", codec, blockSize], 4200 + blockSize + codec.Length, output);
    }
}
