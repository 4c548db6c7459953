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
    public async Task Reading_merge_rows_without_a_merge_operator_is_invalid()
    {
        var g = dbs["ttl-merge"];
        await using var db = await DbHandle.OpenReadOnlyAsync(g.DbPath, new LocalObjectStore(g.Root));

        var e = await Assert.ThrowsAsync<SlateFastException>(() => ReadComparison.ScanAsync(db.ScanAsync(KeyRange.All)));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("merge operator missing", e.Message, StringComparison.Ordinal);
    }
}
