using SlateFast.ObjectStore;
using Xunit.Abstractions;

namespace SlateFast.Tests.Interop.Read;

/// <summary>Databases written by real SlateDB 0.12.1 read the same in SlateFast, opened read-only, as in SlateDB.</summary>
[Collection(SlateDbDatabasesCollection.Name)]
public sealed class SlateFastReadsSlateDbTests(SlateDbDatabases dbs, ITestOutputHelper output)
{
    public static TheoryData<string> KindsWithoutMerge => [.. SlateDbDatabases.Kinds.Where(k => k != "ttl-merge")];

    [Theory]
    [MemberData(nameof(KindsWithoutMerge))]
    public async Task Scans_in_both_orders_ranges_and_point_reads_equal_slatedb(string kind)
    {
        await ReadComparison.AssertSlateFastReadsLikeSlateDbAsync(dbs[kind], 4100 + SlateDbDatabases.Kinds.ToList().IndexOf(kind), output);
    }

    [Fact]
    public async Task Merge_rows_written_by_slatedb_fold_with_the_concat_operator_like_slatedbs_reads()
    {
        await ReadComparison.AssertSlateFastReadsLikeSlateDbAsync(dbs["ttl-merge"], 4199, output, mergeOperator: "concat");
    }

    [Fact]
    public async Task Reading_merge_rows_without_a_merge_operator_is_invalid()
    {
        var g = dbs["ttl-merge"];
        await using var db = await DbHandle.OpenReadOnlyAsync(g.DbPath, new LocalObjectStore(g.Root));

        var e = await Assert.ThrowsAsync<SlateFastException>(() => ReadComparison.ScanAsync(db.ScanAsync(KeyRange.All)));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("merge operator missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_at_a_checkpoint_equals_slatedbs_scan_at_that_checkpoint()
    {
        var g = dbs["checkpoint"];
        Assert.NotNull(g.CheckpointId);
        var store = new LocalObjectStore(g.Root);
        await using var atCheckpoint = await DbHandle.OpenReadOnlyAsync(g.DbPath, store, checkpoint: Guid.Parse(g.CheckpointId));
        await using var latest = await DbHandle.OpenReadOnlyAsync(g.DbPath, store);

        var checkpointRows = await ReadComparison.ScanAsync(atCheckpoint.ScanAsync(KeyRange.All));
        Assert.Equal(g.CheckpointRows, checkpointRows);
        Assert.Equal(g.CheckpointRows.Reverse(), await ReadComparison.ScanAsync(atCheckpoint.ScanAsync(KeyRange.All, ReadComparison.Descending)));
        Assert.NotEqual(checkpointRows, await ReadComparison.ScanAsync(latest.ScanAsync(KeyRange.All)));
        foreach (var row in g.CheckpointRows.Take(50))
        {
            Assert.Equal(row.Value, await atCheckpoint.GetAsync(row.Key));
        }

        var missing = Guid.Parse("00000000-0000-4000-8000-000000000000");
        var e = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenReadOnlyAsync(g.DbPath, store, checkpoint: missing));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }
}
