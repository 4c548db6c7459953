using System.Diagnostics;
using System.Globalization;
using SlateFast.ObjectStore;
using SlateFast.Tests.Crash;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// Power cuts, modelled by tools/powercut-fs: a writer process is killed, then everything it wrote
/// but did not fsync (file contents) and every name whose folder it did not fsync is taken away,
/// as POSIX allows a power cut to. Every acknowledged durable write must still be there, and the
/// database must open, as a writer and as a reader. A SIGKILL alone keeps the page cache, so only
/// these tests check the fsyncs of <see cref="LocalObjectStore"/>.
/// </summary>
[Collection(PowerCutCollection.Name)]
public sealed class PowerCutTests(ITestOutputHelper output)
{
    public const string RoundsVariable = "SLATEFAST_POWERCUT_ROUNDS";
    public const string SeedVariable = "SLATEFAST_POWERCUT_SEED";

    [Fact]
    public async Task The_filesystem_passes_its_self_test_and_catches_its_canary()
    {
        if (Skip() is { } why)
        {
            output.WriteLine($"SKIPPED: {why}");
            return;
        }

        using var folder = new TempFolder("powercut-selftest");
        var info = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(RepoPaths.Root, "tools", "powercut-fs", "selftest.py"), folder.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var selftest = Process.Start(info)!;
        var stdout = selftest.StandardOutput.ReadToEndAsync();
        var stderr = selftest.StandardError.ReadToEndAsync();
        await selftest.WaitForExitAsync();
        output.WriteLine(await stdout);
        Assert.True(selftest.ExitCode == 0, $"self-test failed:\n{await stdout}\n{await stderr}");
        Assert.Contains("ok   canary_rename_without_folder_sync_is_caught", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_to_a_store_root_that_did_not_exist_survive_a_power_cut()
    {
        // The store creates the root and the folders above it; their names must be synced into
        // their parents too, or the whole database vanishes with the power.
        await RunSingleAsync("fresh-root", prepare: null, root => Path.Combine(root, "not", "yet", "there"));
    }

    [Fact]
    public async Task Writes_into_folders_made_by_a_writer_killed_before_syncing_them_survive_a_power_cut()
    {
        // A writer that made the folders died before it fsynced their parents: the next writer finds
        // them and must still make their names durable before acknowledging anything inside them.
        await RunSingleAsync(
            "inherited-folders",
            prepare: root =>
            {
                foreach (var dir in new[] { "db/wal", "db/manifest", "db/compacted" })
                {
                    Directory.CreateDirectory(Path.Combine(root, dir));
                }
            },
            root => root);
    }

    [Fact]
    public async Task Every_acknowledged_durable_write_survives_power_cuts_at_random_moments()
    {
        if (Skip() is { } why)
        {
            output.WriteLine($"SKIPPED: {why}");
            return;
        }

        var rounds = Environment.GetEnvironmentVariable(RoundsVariable) is { Length: > 0 } r ? int.Parse(r, CultureInfo.InvariantCulture) : 10;
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next(1, int.MaxValue);
        output.WriteLine($"power-cut rounds: {rounds}, seed {seed} (replay: {SeedVariable}={seed})");
        var random = new Random(seed);
        using var folder = new TempFolder("powercut");
        await using var fs = await PowerCutFs.MountAsync(folder.Path);
        var totals = new PowerCutTotals();
        var confirmed = new List<(byte[] Key, byte[] Value)>();
        var checkpoints = new List<Guid>();
        string root = string.Empty;
        for (var round = 0; round < rounds; round++)
        {
            // Chains of 4 rounds share a database; each chain starts in a store root that does not exist yet.
            if (round % 4 == 0)
            {
                root = Path.Combine(fs.MountPoint, $"chain{round / 4}", "store");
                confirmed.Clear();
                checkpoints.Clear();
            }

            var crash = CrashRound.Draw(random, round, durable: true);
            var maintenance = random.Next(2) == 0;
            var keep = random.Next(3) == 0 ? 0.5 : 0.0;
            var context = $"seed {seed} {crash}, maintenance {maintenance}, keep {keep}";
            var (records, made) = await RunWriterAsync(root, crash, maintenance);
            var cut = await fs.CutAsync(crash.Seed, keep);
            var present = await VerifyAsync(root, context, crash, records, confirmed, made.Concat(checkpoints).ToList());
            checkpoints.AddRange(made);
            confirmed.AddRange(present);
            totals.Add(records.Count, cut);
            output.WriteLine($"{context}: {records.Count} acknowledged keys and {made.Count} checkpoints present after a cut that dropped {cut.NamesLost} names and rolled back {cut.FilesRolledBack} files ({cut.BytesLost} bytes); {confirmed.Count} keys rechecked");
        }

        output.WriteLine($"TOTAL seed {seed}: {rounds} power cuts, {totals.Acknowledged} acknowledged keys, 0 lost; the cuts dropped {totals.NamesLost} names and rolled back {totals.FilesRolledBack} files ({totals.BytesLost} bytes); filesystem {await fs.StatsAsync()}");
    }

    internal static string? Skip() => PowerCutFs.Unavailable() is { } why ? $"the power-cut filesystem cannot run here ({why})" : null;

    private async Task RunSingleAsync(string name, Action<string>? prepare, Func<string, string> rootOf)
    {
        if (Skip() is { } why)
        {
            output.WriteLine($"SKIPPED: {why}");
            return;
        }

        using var folder = new TempFolder($"powercut-{name}");
        await using var fs = await PowerCutFs.MountAsync(folder.Path);
        var root = rootOf(fs.MountPoint);
        prepare?.Invoke(root);
        var crash = new CrashRound(0, 4242, Tasks: 2, L0SstSizeBytes: 4096, KillAfterLines: 40, KillDuringOpen: false);
        var (records, _) = await RunWriterAsync(root, crash, maintenance: false);
        Assert.True(records.Count >= 40, $"the writer acknowledged only {records.Count} keys");
        var cut = await fs.CutAsync(seed: 1);
        output.WriteLine($"{records.Count} acknowledged keys; the cut dropped {cut.NamesLost} names and rolled back {cut.FilesRolledBack} files");
        await VerifyAsync(root, $"{name}: {crash}", crash, records, [], []);
    }

    private static async Task<(List<CrashRecord> Records, List<Guid> Checkpoints)> RunWriterAsync(string root, CrashRound round, bool maintenance)
    {
        var args = new List<string>
        {
            "db-writer", root, "db", "durable",
            round.Tasks.ToString(CultureInfo.InvariantCulture), round.Seed.ToString(CultureInfo.InvariantCulture),
            "--l0", round.L0SstSizeBytes.ToString(CultureInfo.InvariantCulture),
        };
        if (maintenance)
        {
            args.Add("--maintenance");
        }

        using var host = HostProcess.Start([.. args]);
        Assert.Equal("opening", await host.ExpectLineAsync());
        var lines = new List<string>();
        if (!round.KillDuringOpen)
        {
            Assert.StartsWith("ready", await host.ExpectLineAsync(), StringComparison.Ordinal);
            while (lines.Count < round.KillAfterLines)
            {
                lines.Add(await host.ExpectLineAsync());
            }
        }

        host.Kill();
        lines.AddRange(await host.DrainAsync());
        var checkpoints = lines.Where(l => l.StartsWith("checkpoint ", StringComparison.Ordinal)).Select(l => Guid.Parse(l["checkpoint ".Length..])).ToList();
        var records = lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).Select(CrashRecord.Parse).ToList();
        return (records, checkpoints);
    }

    private static async Task<List<(byte[] Key, byte[] Value)>> VerifyAsync(
        string root, string context, CrashRound round, List<CrashRecord> records, List<(byte[] Key, byte[] Value)> confirmed, List<Guid> checkpoints)
    {
        var store = new LocalObjectStore(root);
        List<(byte[] Key, byte[] Value)> present;
        await using (var db = await DbHandle.OpenAsync("db", store, new DbOptions { L0MaxSsts = 1024 }))
        {
            var verifier = new CrashVerifier(db, context);
            await verifier.AssertAllPresentAsync(confirmed, "a key confirmed before an earlier power cut");
            await verifier.AssertAllPresentAsync(records.Select(x => (x.Key, x.Value)), "acknowledged durable key");
            await verifier.AssertTaskPrefixesAsync(round.Seed, round.Tasks, records, reportedMustExist: true);
            present = verifier.Present;
            var listed = (await db.ListCheckpointsAsync()).Select(c => c.Id).ToHashSet();
            foreach (var id in checkpoints)
            {
                Assert.True(listed.Contains(id), $"{context}: acknowledged checkpoint {id} is gone after the power cut");
            }

            await db.CloseAsync();
        }

        // A reader opens too: the latest state, and each checkpoint acknowledged in this round.
        await using (var reader = await DbReader.OpenAsync("db", store))
        {
            foreach (var (key, value) in records.Take(20).Select(x => (x.Key, x.Value)))
            {
                Assert.True(await reader.GetAsync(key) is { } got && got.AsSpan().SequenceEqual(value), $"{context}: the reader misses an acknowledged key");
            }
        }

        foreach (var id in checkpoints.TakeLast(2))
        {
            await using var atCheckpoint = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = id });
            await using var scan = atCheckpoint.ScanAsync(KeyRange.All);
            var rows = 0;
            while (await scan.NextAsync() is not null)
            {
                rows++;
            }

            Assert.True(rows > 0, $"{context}: checkpoint {id} reads as empty");
        }

        return present;
    }

    private sealed class PowerCutTotals
    {
        public long Acknowledged { get; private set; }

        public long NamesLost { get; private set; }

        public long FilesRolledBack { get; private set; }

        public long BytesLost { get; private set; }

        public void Add(int acknowledged, CutReport cut)
        {
            Acknowledged += acknowledged;
            NamesLost += cut.NamesLost;
            FilesRolledBack += cut.FilesRolledBack;
            BytesLost += cut.BytesLost;
        }
    }
}

/// <summary>Power-cut tests mount filesystems and start writers: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PowerCutCollection
{
    public const string Name = "power cuts";
}
