using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Interop.Db;

/// <summary>
/// <see cref="DbAdmin"/> on a database real SlateDB 0.12.1 wrote: the manifests it lists are the
/// objects on disk, the latest reads as the helper's own decoder read it, and the sequence
/// tracker samples SlateDB recorded answer the seq/time lookups with SlateDB's rounding.
/// </summary>
public sealed class AdminInteropTests
{
    [Fact]
    public async Task The_admin_API_reads_SlateDBs_manifests_and_sequence_tracker_as_SlateDB_wrote_them()
    {
        using var tmp = new TempFolder("interop-admin");
        var generated = await SlateDbNode.GenerateAsync(tmp.Path, "l0");
        var admin = new DbAdmin(generated.DbPath, new LocalObjectStore(generated.Root));

        var versions = await admin.ListManifestsAsync();
        var onDisk = generated.Objects.Where(p => p.Contains("/manifest/", StringComparison.Ordinal) || p.StartsWith("manifest/", StringComparison.Ordinal)).ToList();
        Assert.Equal(onDisk.Count, versions.Count);
        foreach (var v in versions)
        {
            var file = Path.Combine(generated.DbDirectory, DbPaths.ManifestDir, $"{v.Id:d20}.manifest");
            Assert.Equal(new FileInfo(file).Length, v.SizeBytes);
            Assert.True(v.Decodes, v.Error);
        }

        var expected = generated.Manifest;
        var latest = await admin.ReadManifestAsync();
        Assert.Equal((ulong)expected.Id, latest.Id);
        Assert.Equal((ulong)expected.WriterEpoch, latest.WriterEpoch);
        Assert.Equal((ulong)expected.CompactorEpoch, latest.CompactorEpoch);
        Assert.Equal((ulong)expected.ReplayAfterWalId, latest.ReplayAfterWalId);
        Assert.Equal((ulong)expected.WalIdLastSeen, latest.WalIdLastSeen);
        Assert.Equal(expected.LastL0Seq, latest.LastL0Seq);
        Assert.Equal(expected.L0Count, latest.L0.Count);
        Assert.Equal(expected.SortedRunSstCounts, latest.SortedRuns.Select(r => r.Ssts.Count));
        Assert.Equal(expected.Checkpoints.Select(c => c.Id), latest.Checkpoints.Select(c => c.Id.ToString("D")));

        // SlateDB samples (seq, now) as it writes; the rows carry their create time in ms from the same clock.
        var samples = latest.SequenceSamples;
        Assert.NotEmpty(samples);
        var earliest = DateTimeOffset.FromUnixTimeMilliseconds(generated.Rows.Min(r => r.CreateTs)).AddSeconds(-2);
        var newest = DateTimeOffset.FromUnixTimeMilliseconds(generated.Rows.Max(r => r.CreateTs)).AddSeconds(2);
        foreach (var s in samples)
        {
            Assert.InRange(s.Seq, 1ul, latest.LastL0Seq);
            Assert.InRange(s.Time, earliest, newest);
            Assert.Equal(s.Time, await admin.GetTimestampForSequenceAsync(s.Seq));
            Assert.Equal(samples.First(o => o.Time == s.Time).Seq, await admin.GetSequenceForTimestampAsync(s.Time));
        }

        Assert.Null(await admin.GetTimestampForSequenceAsync(samples[0].Seq - 1));
        Assert.Equal(samples[0].Time, await admin.GetTimestampForSequenceAsync(samples[0].Seq - 1, roundUp: true));
        Assert.Equal(samples[^1].Time, await admin.GetTimestampForSequenceAsync(samples[^1].Seq + 1));
        Assert.Null(await admin.GetSequenceForTimestampAsync(samples[^1].Time.AddSeconds(1), roundUp: true));
    }
}
