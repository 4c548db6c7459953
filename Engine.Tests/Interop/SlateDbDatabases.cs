namespace SlateFast.Tests.Interop;

/// <summary>
/// Every database kind written once per test run by real SlateDB into
/// Path.GetTempPath()/slatefast-interop-&lt;guid&gt;, deleted again at the end of the run.
/// Tests must treat these databases as read-only (copy one before writing to it).
/// </summary>
public sealed class SlateDbDatabases : IAsyncLifetime
{
    public static readonly IReadOnlyList<string> Kinds = ["wal-only", "l0", "compacted", "ttl-merge", "checkpoint", "random"];

    private readonly Dictionary<string, SlateDbGenerated> generated = new(StringComparer.Ordinal);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"slatefast-interop-{Guid.NewGuid():N}");

    public static TheoryData<string> KindData => [.. Kinds];

    public SlateDbGenerated this[string kind] => generated[kind];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        // independent processes writing distinct db paths: run them together to halve the wall time
        var all = await Task.WhenAll(Kinds.Select(k => SlateDbNode.GenerateAsync(Root, k))).ConfigureAwait(false);
        foreach (var g in all)
        {
            generated[g.Kind] = g;
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
public sealed class SlateDbDatabasesCollection : ICollectionFixture<SlateDbDatabases>
{
    public const string Name = "SlateDB databases";
}
