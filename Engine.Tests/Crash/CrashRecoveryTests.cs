using System.Globalization;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.Crash;

/// <summary>
/// A writer process is killed with SIGKILL at random moments and the database is reopened.
/// Rounds run in chains of <see cref="RoundsPerChain"/> on one database, so recovery also meets
/// the debris of earlier crashes and recoveries; every key confirmed in a chain is checked again
/// after each later crash of that chain.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int RoundsPerChain = 5;

    [Fact]
    public Task Every_durably_acknowledged_write_survives_a_sigkill_at_a_random_moment() => RunAsync(durable: true);

    [Fact]
    public Task After_a_sigkill_the_recovered_non_durable_writes_are_a_prefix_of_the_commit_order() => RunAsync(durable: false);

    private async Task RunAsync(bool durable)
    {
        var settings = CrashSettings.FromEnvironment();
        output.WriteLine($"crash test ({(durable ? "durable" : "non-durable")}): {settings.Rounds} rounds, seed {settings.Seed} (replay: {CrashSettings.SeedVariable}={settings.Seed})");
        using var folder = new TempFolder("crash");
        var random = new Random(settings.Seed);
        var totals = new Totals();
        var confirmed = new List<(byte[] Key, byte[] Value)>();
        for (var r = 0; r < settings.Rounds; r++)
        {
            var db = $"chain{r / RoundsPerChain}";
            if (r % RoundsPerChain == 0)
            {
                confirmed.Clear();
            }

            var round = CrashRound.Draw(random, r, durable);
            var context = $"seed {settings.Seed} {round}";
            var records = (await CrashWriter.RunAsync(folder.Path, db, round, durable)).Select(CrashRecord.Parse).ToList();

            await using var reopened = await DbHandle.OpenAsync(db, new LocalObjectStore(folder.Path), new DbOptions { L0SstSizeBytes = round.L0SstSizeBytes, L0MaxSsts = 1024 });
            var verifier = new CrashVerifier(reopened, context);
            await verifier.AssertAllPresentAsync(confirmed, "a key confirmed after an earlier crash of this chain");
            int extra;
            var recovered = 0;
            if (durable)
            {
                await verifier.AssertAllPresentAsync(records.Select(x => (x.Key, x.Value)), "acknowledged durable key");
                extra = await verifier.AssertTaskPrefixesAsync(round.Seed, round.Tasks, records, reportedMustExist: true);
            }
            else
            {
                recovered = await verifier.AssertCommitPrefixAsync(records);
                extra = await verifier.AssertTaskPrefixesAsync(round.Seed, round.Tasks, records, reportedMustExist: false);
            }

            var commits = records.Select(x => x.Seq).Distinct().Count();
            output.WriteLine(durable
                ? $"{round}: {records.Count} acknowledged keys present, {extra} unacknowledged ops recovered whole, {confirmed.Count} earlier keys rechecked; last seq {reopened.LastSeq}"
                : $"{round}: {records.Count} keys in {commits} commits reported, first {recovered} commits recovered (a prefix), {extra} unreported ops recovered whole, {confirmed.Count} earlier keys rechecked; last seq {reopened.LastSeq}");
            totals.Add(round, durable ? records.Count : recovered, records.Count, confirmed.Count);
            confirmed.AddRange(verifier.Present);
            await reopened.CloseAsync();
        }

        var store = new LocalObjectStore(folder.Path);
        var l0 = (await store.ListAllAsync(string.Empty)).Count(o => o.Path.Contains("/compacted/", StringComparison.Ordinal));
        var wal = (await store.ListAllAsync(string.Empty)).Count(o => o.Path.Contains("/wal/", StringComparison.Ordinal));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TOTAL seed {settings.Seed}: {totals.Rounds} rounds ({totals.KilledWhileOpening} killed while opening), {totals.Reported} keys reported, {totals.Checked} {(durable ? "acknowledged keys" : "commits")} recovered, {totals.Rechecked} rechecks of earlier keys, nothing lost; {l0} L0 SSTs and {wal} WAL objects written"));
    }

    private sealed class Totals
    {
        public int Rounds { get; private set; }

        public int KilledWhileOpening { get; private set; }

        public long Reported { get; private set; }

        public long Checked { get; private set; }

        public long Rechecked { get; private set; }

        public void Add(CrashRound round, int checkedCount, int reported, int rechecked)
        {
            Rounds++;
            KilledWhileOpening += round.KillDuringOpen ? 1 : 0;
            Checked += checkedCount;
            Reported += reported;
            Rechecked += rechecked;
        }
    }
}
