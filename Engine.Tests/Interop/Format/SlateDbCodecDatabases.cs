using System.Globalization;

namespace SlateFast.Tests.Interop.Format;

/// <summary>
/// `random` databases written once per test run by real SlateDB with every compression codec and
/// two block sizes (the extremes), into a temp folder deleted at the end of the run.
/// The seed is fixed per variant (see <see cref="SeedOf"/>) and printed by the tests that use it.
/// </summary>
public sealed class SlateDbCodecDatabases : IAsyncLifetime
{
    public const int BaseSeed = 20260501;

    public static readonly IReadOnlyList<string> Codecs = ["none", "snappy", "zlib", "lz4", "zstd"];

    public static readonly IReadOnlyList<int> BlockSizes = [1024, 65536];

    private readonly Dictionary<string, SlateDbGenerated> generated = new(StringComparer.Ordinal);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"slatefast-interop-codecs-{Guid.NewGuid():N}");

    public static IEnumerable<(string Codec, int BlockSize)> Variants =>
        Codecs.SelectMany(c => BlockSizes.Select(b => (c, b)));

    public static TheoryData<string, int> VariantData
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var (codec, blockSize) in Variants)
            {
                data.Add(codec, blockSize);
            }

            return data;
        }
    }

    public SlateDbGenerated this[string codec, int blockSize] => generated[DbPath(codec, blockSize)];

    public static int SeedOf(string codec, int blockSize) =>
        BaseSeed + (10 * Codecs.ToList().IndexOf(codec)) + BlockSizes.ToList().IndexOf(blockSize);

    public static string DbPath(string codec, int blockSize) => $"random-{codec}-{blockSize.ToString(CultureInfo.InvariantCulture)}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var all = await Task.WhenAll(Variants.Select(v => SlateDbNode.GenerateAsync(
            Root, "random", seed: SeedOf(v.Codec, v.BlockSize), codec: v.Codec, blockSize: v.BlockSize, dbPath: DbPath(v.Codec, v.BlockSize))))
            .ConfigureAwait(false);
        foreach (var g in all)
        {
            generated[g.DbPath] = g;
        }
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class SlateDbCodecDatabasesCollection : ICollectionFixture<SlateDbCodecDatabases>
{
    public const string Name = "SlateDB codec databases";
}
