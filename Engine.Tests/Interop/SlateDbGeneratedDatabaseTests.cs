using System.Text.RegularExpressions;
using static SlateFast.Tests.Interop.RowAssert;

namespace SlateFast.Tests.Interop;

/// <summary>Proves the harness against the real engine: what SlateDB writes, SlateDB reads back.</summary>
[Collection(SlateDbDatabasesCollection.Name)]
public sealed partial class SlateDbGeneratedDatabaseTests(SlateDbDatabases dbs)
{
    [Theory]
    [MemberData(nameof(SlateDbDatabases.KindData), MemberType = typeof(SlateDbDatabases))]
    public void Every_kind_generates_a_non_empty_scan_with_strictly_ascending_keys(string kind)
    {
        var g = dbs[kind];
        Assert.NotEmpty(g.Rows);
        StrictlyAscending(g.Rows);
    }

    [Theory]
    [MemberData(nameof(SlateDbDatabases.KindData), MemberType = typeof(SlateDbDatabases))]
    public async Task A_fresh_reader_process_scans_exactly_what_the_writer_reported(string kind)
    {
        var g = dbs[kind];
        var rows = await SlateDbNode.ScanAsync(g.Root, g.DbPath, mergeOperator: g.MergeOperator);
        Assert.Equal(g.Rows, rows);
    }

    [Theory]
    [MemberData(nameof(SlateDbDatabases.KindData), MemberType = typeof(SlateDbDatabases))]
    public void Objects_follow_the_SlateDB_layout(string kind)
    {
        var dir = dbs[kind].DbDirectory;
        var folders = Directory.GetDirectories(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        string[] expected = kind switch
        {
            "wal-only" => ["manifest", "wal"],
            "compacted" or "random" => ["compacted", "compactions", "manifest", "wal"],
            _ => ["compacted", "manifest", "wal"],
        };
        Assert.Equal(expected, folders);
        AllNamed(dir, "manifest", ManifestName());
        AllNamed(dir, "wal", WalName());
        AllNamed(dir, "compacted", CompactedName());
        AllNamed(dir, "compactions", CompactionsName());
    }

    private static void AllNamed(string dbDir, string folder, Regex pattern)
    {
        var path = Path.Combine(dbDir, folder);
        if (!Directory.Exists(path))
        {
            return;
        }

        var names = Directory.GetFiles(path).Select(Path.GetFileName).ToArray();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Matches(pattern, n));
    }

    [GeneratedRegex(@"^\d{20}\.manifest$")]
    private static partial Regex ManifestName();

    [GeneratedRegex(@"^\d{20}\.sst$")]
    private static partial Regex WalName();

    [GeneratedRegex(@"^[0-9A-HJKMNP-TV-Z]{26}\.sst$")]
    private static partial Regex CompactedName();

    [GeneratedRegex(@"^\d{20}\.compactions$")]
    private static partial Regex CompactionsName();

    [Fact]
    public void Wal_only_database_keeps_every_row_in_WAL_SSTs_past_the_replay_point()
    {
        var m = dbs["wal-only"].Manifest;
        Assert.Equal(0, m.L0Count);
        Assert.Empty(m.SortedRunSstCounts);
        Assert.Equal(0, m.ReplayAfterWalId);
        Assert.True(m.WalIdLastSeen >= 4, $"expected the fencing WAL plus three data WALs, wal_id_last_seen={m.WalIdLastSeen}");
        var rows = dbs["wal-only"].Rows;
        Assert.Contains(rows, r => r.Value.Length == 0);
        Assert.Contains(rows, r => r.Key.AsSpan().IndexOf((byte)0x00) >= 0);
        Assert.Contains(rows, r => r.Key.AsSpan().IndexOf((byte)0xFF) >= 0);
    }

    [Fact]
    public void L0_database_has_several_L0_SSTs_and_no_sorted_runs()
    {
        var g = dbs["l0"];
        Assert.True(g.Manifest.L0Count >= 4, $"l0={g.Manifest.L0Count}");
        Assert.Empty(g.Manifest.SortedRunSstCounts);
        Assert.Equal(3600 - 300, g.Rows.Count); // 3 x 1200 rows, 300 deleted by the newest L0
    }

    [Fact]
    public void Compacted_database_has_an_L0_above_sorted_runs_written_by_the_compactor()
    {
        var m = dbs["compacted"].Manifest;
        Assert.NotEmpty(m.SortedRunSstCounts);
        Assert.True(m.L0Count >= 1, $"l0={m.L0Count}");
        Assert.True(m.CompactorEpoch >= 1, $"compactor_epoch={m.CompactorEpoch}");
        Assert.Equal(3000 - 100, dbs["compacted"].Rows.Count);
    }

    [Fact]
    public void Random_database_has_sorted_runs_L0s_and_WAL_SSTs_past_the_replay_point()
    {
        var g = dbs["random"];
        Assert.NotEmpty(g.Manifest.SortedRunSstCounts);
        Assert.True(g.Manifest.L0Count >= 3, $"l0={g.Manifest.L0Count}");
        var walIds = Directory.GetFiles(Path.Combine(g.DbDirectory, "wal")).Select(f => long.Parse(Path.GetFileName(f)[..20], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(walIds, id => id > g.Manifest.ReplayAfterWalId);
        Assert.True(g.Rows.Max(r => r.Seq) > g.Manifest.LastL0Seq, "some live rows must exist only in the WAL");
    }

    [Fact]
    public async Task Checkpoint_view_differs_from_the_latest_state_and_equals_the_state_when_it_was_taken()
    {
        var g = dbs["checkpoint"];
        Assert.NotNull(g.CheckpointId);
        Assert.Contains(g.Manifest.Checkpoints, c => c.Id == g.CheckpointId);
        Assert.NotEmpty(g.CheckpointRows);
        Assert.Equal(g.WriterAtCheckpointRows, g.CheckpointRows);
        Assert.NotEqual(KeyValues(g.Rows), KeyValues(g.CheckpointRows));

        var fresh = await SlateDbNode.ScanAsync(g.Root, g.DbPath, checkpointId: g.CheckpointId);
        Assert.Equal(g.CheckpointRows, fresh);
    }

    [Fact]
    public void Ttl_merge_scan_folds_operands_and_still_returns_expired_rows_only_in_the_WAL()
    {
        var rows = dbs["ttl-merge"].Rows.ToDictionary(r => System.Text.Encoding.UTF8.GetString(r.Key), StringComparer.Ordinal);
        string Value(string key) => System.Text.Encoding.UTF8.GetString(rows[key].Value);

        Assert.Equal("base;op1;op2;op3;", Value("m:with-base"));
        Assert.Equal("a;b;c;", Value("m:no-base"));
        Assert.Equal("reborn;", Value("m:after-delete"));
        Assert.Equal("w1;w2;", Value("m:wal-only"));
        Assert.Equal("wb;wop;", Value("m:wal-base"));
        Assert.Equal("long;", Value("m:ttl-operand")); // the flush dropped the expired operand
        Assert.DoesNotContain("expire:at-1970", rows.Keys); // flushed: the flush turned it into a tombstone
        Assert.Equal(1000, rows["expire:wal-at-1970"].ExpireTs); // 0.12 reads do not filter by TTL
        Assert.Equal(4102444800000, rows["expire:at-2100"].ExpireTs);
        Assert.Null(rows["expire:never"].ExpireTs);
        var afterCentury = rows["expire:after-century"];
        Assert.Equal(afterCentury.CreateTs + (100L * 365 * 24 * 3600 * 1000), afterCentury.ExpireTs);
    }

    [Fact]
    public async Task Scanning_without_a_checkpoint_leaves_the_database_untouched()
    {
        var g = dbs["l0"];
        var before = Listing(g.DbDirectory);
        await SlateDbNode.ScanAsync(g.Root, g.DbPath);
        Assert.Equal(before, Listing(g.DbDirectory));
    }

    private static string[] Listing(string dir) =>
        [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(dir, f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f).Ticks}")
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Get_returns_live_values_and_null_for_deleted_and_absent_keys()
    {
        var g = dbs["l0"];
        var first = g.Rows[0];
        var last = g.Rows[^1];
        byte[] deleted = Utf8("row000001"); // the newest L0 deletes row i*4+1
        byte[] absent = [0xFF, 0xFF];
        Assert.DoesNotContain(g.Rows, r => r.Key.AsSpan().SequenceEqual(deleted));

        var values = await SlateDbNode.GetAsync(g.Root, g.DbPath, [first.Key, last.Key, deleted, absent]);

        Assert.Equal([first.Value, last.Value, null, null], values);
    }

    [Fact]
    public async Task Reverse_range_scan_returns_the_half_open_range_descending()
    {
        var g = dbs["random"];
        var from = g.Rows[10].Key;
        var to = g.Rows[30].Key;
        var rows = await SlateDbNode.ScanAsync(g.Root, g.DbPath, reverse: true, from: from, to: to);
        Assert.Equal(g.Rows.Skip(10).Take(20).Reverse(), rows);
    }
}
