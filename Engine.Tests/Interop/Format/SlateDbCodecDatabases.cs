using System.Globalization;

namespace SlateFast.Tests.Interop.Format;

/// <summary>
/// Databases written once per test run by real SlateDB with every compression codec, into a temp
/// folder deleted at the end of the run: `random` with each codec at the smallest and largest block
/// size, and `l0` (whose SSTs are big enough for bloom filters) with each compressing codec.
/// Seeds are fixed per variant (<see cref="SeedOf"/>) and printed by the tests that use them.
/// </summary>
public sealed class SlateDbCodecDatabases : IAsyncLifetime
{
    public const int BaseSeed = 20260501;

    public static readonly IReadOnlyList<string> Codecs = ["none", "snappy", "zlib", "lz4", "zstd"];

    private readonly Dictionary<string, SlateDbGenerated> generated = new(StringComparer.Ordinal);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"slatefast-interop-codecs-{Guid.NewGuid():N}");

    public static IReadOnlyList<CodecVariant> Variants { get; } =
    [
        .. Codecs.SelectMany(c => new[] { new CodecVariant("random", c, 1024), new CodecVariant("random", c, 65536) }),
        .. Codecs.Where(c => c != "none").Select(c => new CodecVariant("l0", c, 4096)),
    ];

    public static TheoryData<string, string, int> VariantData
    {
        get
        {
            var data = new TheoryData<string, string, int>();
            foreach (var v in Variants)
            {
                data.Add(v.Kind, v.Codec, v.BlockSize);
            }

            return data;
        }
    }

    public SlateDbGenerated this[string kind, string codec, int blockSize] => generated[new CodecVariant(kind, codec, blockSize).DbPath];

    public static int SeedOf(string kind, string codec, int blockSize) =>
        BaseSeed + Variants.ToList().IndexOf(new CodecVariant(kind, codec, blockSize));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var all = await Task.WhenAll(Variants.Select(v => SlateDbNode.GenerateAsync(
            Root, v.Kind, seed: SeedOf(v.Kind, v.Codec, v.BlockSize), codec: v.Codec, blockSize: v.BlockSize, dbPath: v.DbPath)))
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

/// <summary>One generated database of <see cref="SlateDbCodecDatabases"/>.</summary>
public sealed record CodecVariant(string Kind, string Codec, int BlockSize)
{
    public string DbPath => $"{Kind}-{Codec}-{BlockSize.ToString(CultureInfo.InvariantCulture)}";
}

[CollectionDefinition(Name)]
public sealed class SlateDbCodecDatabasesCollection : ICollectionFixture<SlateDbCodecDatabases>
{
    public const string Name = "SlateDB codec databases";
}
