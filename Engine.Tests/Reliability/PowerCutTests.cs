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

        // A daemon the self-test failed to stop would hold these pipes open: bound the wait.
        await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromMinutes(1));
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

        var rounds = Environment.GetEnvironmentVariable(RoundsVariable) is { Length: > 0 } r ? int.Parse(r, CultureInfo.InvariantCulture) : 8;
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next(1, int.MaxValue);
        output.WriteLine($"power-cut rounds: {rounds}, seed {seed} (replay: {SeedVariable}={seed})");
        var random = new Random(seed);
        var library = await Native.NativeToolchain.EnsureLibraryAsync();
        using var folder = new TempFolder("powercut");
        await using var fs = await PowerCutFs.MountAsync(folder.Path);
        var totals = new PowerCutTotals();
        var chain = new ChainState();
        var root = string.Empty;
        for (var round = 0; round < rounds; round++)
        {
            // Chains of 4 rounds share a store root, which does not exist when a chain starts.
            if (round % 4 == 0)
            {
                root = Path.Combine(fs.MountPoint, $"chain{round / 4}", "store");
                chain = new ChainState();
            }

            var crash = CrashRound.Draw(random, round, durable: true);
            var kind = (WriterKind)random.Next(Enum.GetValues<WriterKind>().Length);
            var maintenance = random.Next(2) == 0;
            var keep = random.Next(3) == 0 ? 0.5 : 0.0;
            var context = $"seed {seed} {crash}, {kind} writer{(kind is WriterKind.DotNet or WriterKind.DotNetPair && maintenance ? " with compactor, GC and checkpoints" : string.Empty)}, keep {keep}";
            var acknowledged = kind switch
            {
                WriterKind.DotNet => await RunDotNetRoundAsync(root, "db", crash, maintenance, chain),
                WriterKind.DotNetPair => await RunPairRoundAsync(root, crash, maintenance, chain),
                WriterKind.CAbi => await RunKeyWriterRoundAsync(chain, $"py{round}", random.Next(1, 60), db => PythonWriter(library, root, db)),
                _ => await RunKeyWriterRoundAsync(chain, $"cli{round}", random.Next(1, 4), db => CliWriter(root, db)),
            };
            var cut = await fs.CutAsync(crash.Seed, keep);
            await chain.VerifyAsync(root, context);
            totals.Add(kind, acknowledged, cut);
            output.WriteLine($"{context}: {acknowledged} acknowledged keys present after a cut that dropped {cut.NamesLost} names and rolled back {cut.FilesRolledBack} files ({cut.BytesLost} bytes); {chain.Confirmed} keys of this chain rechecked");
        }

        output.WriteLine($"TOTAL seed {seed}: {rounds} power cuts ({totals.Kinds}), {totals.Acknowledged} acknowledged keys, 0 lost; the cuts dropped {totals.NamesLost} names and rolled back {totals.FilesRolledBack} files ({totals.BytesLost} bytes); filesystem {await fs.StatsAsync()}");
    }

    /// <summary>Who writes in a round: a .NET writer process, two of them on two databases of one new root (folders made concurrently), Python through the C ABI, or the CLI.</summary>
    private enum WriterKind
    {
        DotNet,
        DotNetPair,
        CAbi,
        Cli,
    }

    private static async Task<int> RunDotNetRoundAsync(string root, string db, CrashRound crash, bool maintenance, ChainState chain)
    {
        var (records, checkpoints) = await RunWriterAsync(root, crash, maintenance, db);
        chain.Expect(db, crash, records, checkpoints);
        return records.Count;
    }

    private static async Task<int> RunPairRoundAsync(string root, CrashRound crash, bool maintenance, ChainState chain)
    {
        // Both start at once on one store root: each may find the other's half-made folders.
        var second = crash with { Seed = crash.Seed ^ 0x5A5A5A, KillAfterLines = crash.KillAfterLines / 2 };
        var results = await Task.WhenAll(RunWriterAsync(root, crash, maintenance, "db"), RunWriterAsync(root, second, maintenance, "db2"));
        chain.Expect("db", crash, results[0].Records, results[0].Checkpoints);
        chain.Expect("db2", second, results[1].Records, results[1].Checkpoints);
        return results[0].Records.Count + results[1].Records.Count;
    }

    // Writers whose keys are "key-NNNNNN" with the key as value, one line per acknowledged put.
    private static async Task<int> RunKeyWriterRoundAsync(ChainState chain, string db, int killAfter, Func<string, ProcessStartInfo> start)
    {
        using var child = Process.Start(start(db))!;
        var stderr = child.StandardError.ReadToEndAsync();
        var acked = new List<string>();
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (acked.Count < killAfter && await child.StandardOutput.ReadLineAsync(hang.Token) is { } line)
        {
            acked.Add(line);
        }

        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync(hang.Token);
        acked.AddRange((await child.StandardOutput.ReadToEndAsync(hang.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(acked.Count >= killAfter, $"the {db} writer stopped after {acked.Count} acknowledgements: {await stderr}");
        chain.ExpectKeys(db, acked.Select(k => System.Text.Encoding.UTF8.GetBytes(k)));
        return acked.Count;
    }

    private static ProcessStartInfo PythonWriter(string library, string root, string db)
    {
        var info = Redirected("python3", Path.Combine(RepoPaths.Root, "NativeAot", "python", "tests", "crash_writer.py"), new Uri(root).AbsoluteUri, db);
        info.Environment["SLATEFAST_LIB"] = library;
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1"; // no __pycache__ in the source tree
        return info;
    }

    // The CLI as a user scripts it: one durable put per process, acknowledged once it exits with 0.
    private static ProcessStartInfo CliWriter(string root, string db) => Redirected(
        "bash",
        "-c",
        "i=0; while true; do k=$(printf 'key-%06d' $i); dotnet \"$0\" put \"$2\" $k $k --create --store \"$1\" >/dev/null || exit 1; echo $k; i=$((i+1)); done",
        RepoPaths.CliDll,
        new Uri(root).AbsoluteUri,
        db);

    private static ProcessStartInfo Redirected(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    /// <summary>What a chain of rounds must find after every later cut: keys per database, and the checkpoints acknowledged.</summary>
    private sealed class ChainState
    {
        private readonly Dictionary<string, List<(byte[] Key, byte[] Value)>> _keys = [];
        private readonly Dictionary<string, List<Guid>> _checkpoints = [];
        private readonly List<(string Db, CrashRound Round, List<CrashRecord> Records)> _pending = [];

        public int Confirmed => _keys.Values.Sum(k => k.Count);

        public void Expect(string db, CrashRound round, List<CrashRecord> records, List<Guid> checkpoints)
        {
            _pending.Add((db, round, records));
            List(_checkpoints, db).AddRange(checkpoints);
        }

        public void ExpectKeys(string db, IEnumerable<byte[]> keys) => List(_keys, db).AddRange(keys.Select(k => (k, k)));

        public async Task VerifyAsync(string root, string context)
        {
            var store = new LocalObjectStore(root);
            foreach (var (db, round, records) in _pending)
            {
                List(_keys, db).AddRange(records.Select(x => (x.Key, x.Value)));
            }

            foreach (var db in _keys.Keys.Union(_checkpoints.Keys).ToList())
            {
                await using (var handle = await DbHandle.OpenAsync(db, store, new DbOptions { L0MaxSsts = 1024 }))
                {
                    var verifier = new CrashVerifier(handle, $"{context}, database {db}");
                    await verifier.AssertAllPresentAsync(List(_keys, db), "acknowledged durable key");
                    foreach (var (pendingDb, round, records) in _pending.Where(p => p.Db == db))
                    {
                        await verifier.AssertTaskPrefixesAsync(round.Seed, round.Tasks, records, reportedMustExist: true);
                    }

                    var listed = (await handle.ListCheckpointsAsync()).Select(c => c.Id).ToHashSet();
                    var lost = List(_checkpoints, db).Where(id => !listed.Contains(id)).ToList();
                    Assert.True(lost.Count == 0, $"{context}: acknowledged checkpoints of {db} are gone after the power cut: {string.Join(", ", lost)}");
                    await handle.CloseAsync();
                }

                // A reader opens too: the latest state, and the newest checkpoints acknowledged.
                await using (var reader = await DbReader.OpenAsync(db, store))
                {
                    foreach (var (key, value) in List(_keys, db).TakeLast(20))
                    {
                        Assert.True(await reader.GetAsync(key) is { } got && got.AsSpan().SequenceEqual(value), $"{context}: a reader of {db} misses an acknowledged key");
                    }
                }

                foreach (var id in List(_checkpoints, db).TakeLast(2))
                {
                    await using var atCheckpoint = await DbReader.OpenAsync(db, store, new DbReaderOptions { CheckpointId = id });
                    await using var scan = atCheckpoint.ScanAsync(KeyRange.All);
                    Assert.True(await scan.NextAsync() is not null, $"{context}: checkpoint {id} of {db} reads as empty");
                }
            }

            _pending.Clear();
        }

        private static List<T> List<T>(Dictionary<string, List<T>> map, string db) =>
            map.TryGetValue(db, out var list) ? list : map[db] = [];
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
        var chain = new ChainState();
        var acknowledged = await RunDotNetRoundAsync(root, "db", crash, maintenance: false, chain);
        Assert.True(acknowledged >= 40, $"the writer acknowledged only {acknowledged} keys");
        var cut = await fs.CutAsync(seed: 1);
        output.WriteLine($"{acknowledged} acknowledged keys; the cut dropped {cut.NamesLost} names and rolled back {cut.FilesRolledBack} files");
        await chain.VerifyAsync(root, $"{name}: {crash}");
    }

    private static async Task<(List<CrashRecord> Records, List<Guid> Checkpoints)> RunWriterAsync(string root, CrashRound round, bool maintenance, string db)
    {
        var lines = await CrashWriter.RunAsync(root, db, round, durable: true, maintenance ? ["--maintenance"] : []);
        var checkpoints = lines.Where(l => l.StartsWith("checkpoint ", StringComparison.Ordinal)).Select(l => Guid.Parse(l["checkpoint ".Length..])).ToList();
        var records = lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).Select(CrashRecord.Parse).ToList();
        return (records, checkpoints);
    }

    private sealed class PowerCutTotals
    {
        public long Acknowledged { get; private set; }

        public long NamesLost { get; private set; }

        public long FilesRolledBack { get; private set; }

        public long BytesLost { get; private set; }

        private readonly Dictionary<WriterKind, int> _kinds = [];

        public string Kinds => string.Join(", ", _kinds.OrderBy(k => k.Key).Select(k => $"{k.Value} {k.Key}"));

        public void Add(WriterKind kind, int acknowledged, CutReport cut)
        {
            _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;
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
