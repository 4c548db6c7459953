using SlateFast.Manifest;
using SlateFast.ObjectStore;
using Xunit.Abstractions;

namespace SlateFast.Tests.Interop.Format;

/// <summary>
/// Replaying a SlateDB database by spec §9 from its objects gives exactly SlateDB's own scan:
/// key, value, seq, create_ts and expire_ts (issue 3, part 2).
/// </summary>
[Collection(SlateDbDatabasesCollection.Name)]
public sealed class ReferenceReplayOfEveryKindTests(SlateDbDatabases dbs)
{
    [Theory]
    [MemberData(nameof(SlateDbDatabases.KindData), MemberType = typeof(SlateDbDatabases))]
    public async Task Reference_replay_of_the_latest_manifest_equals_SlateDB_scan(string kind)
    {
        var g = dbs[kind];
        var db = await StoredDatabase.LoadAsync(new LocalObjectStore(g.Root), g.DbPath);

        var replayed = await ReferenceReplay.LatestAsync(db, MergeOperatorOf(g));

        Assert.Equal(g.Rows, replayed);
    }

    [Fact]
    public async Task Reference_replay_of_a_checkpoint_manifest_equals_SlateDB_scan_at_the_checkpoint()
    {
        var g = dbs["checkpoint"];
        var db = await StoredDatabase.LoadAsync(new LocalObjectStore(g.Root), g.DbPath);

        var replayed = await ReferenceReplay.AtCheckpointAsync(db, Uuid.Parse(g.CheckpointId!));

        Assert.NotEmpty(g.CheckpointRows);
        Assert.Equal(g.CheckpointRows, replayed);
    }

    internal static ReferenceReplay.MergeOperator? MergeOperatorOf(SlateDbGenerated g) => g.MergeOperator switch
    {
        null => null,
        "concat" => ReferenceReplay.Concat,
        var other => throw new InvalidOperationException($"no reference merge operator {other}"),
    };
}

/// <summary>The same for `random` databases written with every codec and block size.</summary>
[Collection(SlateDbCodecDatabasesCollection.Name)]
public sealed class ReferenceReplayOfEveryCodecTests(SlateDbCodecDatabases dbs, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(SlateDbCodecDatabases.VariantData), MemberType = typeof(SlateDbCodecDatabases))]
    public async Task Reference_replay_of_a_database_written_with_any_codec_equals_SlateDB_scan(string kind, string codec, int blockSize)
    {
        output.WriteLine($"seed {SlateDbCodecDatabases.SeedOf(kind, codec, blockSize)}");
        var g = dbs[kind, codec, blockSize];
        var db = await StoredDatabase.LoadAsync(new LocalObjectStore(g.Root), g.DbPath);

        var replayed = await ReferenceReplay.LatestAsync(db, ReferenceReplayOfEveryKindTests.MergeOperatorOf(g));

        Assert.Equal(g.Rows, replayed);
    }
}
