using SlateFast.Format;
using SlateFast.Fuzz;
using SlateFast.Fuzz.Seeds;
using SlateFast.Fuzz.Targets;
using SlateFast.Tests.Support;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Fuzz;

/// <summary>How <c>--corpus</c> turns a database folder into seeds for each target.</summary>
public sealed class CorpusSeedsTests
{
    [Fact]
    public void Corpus_folder_routes_every_file_kind_to_the_targets_that_decode_it()
    {
        using var folder = new TempFolder("fuzz-corpus");
        string db = Path.Combine(folder.Path, "db");
        Write(Path.Combine(db, "wal", "00000000000000000001.sst"), SlateDbSamples.FencingWal);
        Write(Path.Combine(db, "wal", "00000000000000000004.sst"), SlateDbSamples.DeletesWal);
        Write(Path.Combine(db, "compacted", "01M7Y0GGFQJTAHJ7HQNZJRMVBB.sst"), SlateDbSamples.TtlMergeCompactedSst);
        Write(Path.Combine(db, "manifest", "00000000000000000001.manifest"), SlateDbSamples.InitialManifest);
        Write(Path.Combine(db, "manifest", "00000000000000000024.manifest"), SlateDbSamples.CompactedManifest);
        Write(Path.Combine(db, "compactions", "00000000000000000016.compactions"), SlateDbSamples.Compactions);
        Write(Path.Combine(db, "notes.txt"), [1, 2, 3]);

        using var log = new StringWriter();
        var corpus = CorpusSeeds.Load([folder.Path], log);

        Assert.Equal(6, corpus.FileCount);
        Assert.Equal(3, corpus.For(SstTarget.TargetName).Count);
        Assert.Equal(2, corpus.For(ManifestTarget.TargetName).Count);
        Assert.Equal(2, corpus.For(SequenceTrackerTarget.TargetName).Count);
        Assert.Single(corpus.For(CompactionsTarget.TargetName));
        Assert.Equal(3, corpus.For(SstInfoTarget.TargetName).Count);
        Assert.Equal(3, corpus.For(SstIndexTarget.TargetName).Count);
        // SlateDB's fencing WAL carries an empty stats section; its WAL with rows has none.
        Assert.Equal(2, corpus.For(SstStatsTarget.TargetName).Count);

        // The fencing WAL has no block; the other two have one each. The compacted SST's is the embedded one.
        var blocks = corpus.For(BlockTarget.NameFor(BlockFormat.V2));
        Assert.Equal(2, blocks.Count);
        Assert.Contains(blocks, b => b.AsSpan().SequenceEqual(SlateDbSamples.TtlMergeBlock));
        Assert.Empty(corpus.For(BlockTarget.NameFor(BlockFormat.V1)));

        // Info, index and stats of the SSTs, plus the bodies of the manifests and the compactions file.
        Assert.Equal(3 + 3 + 2 + 2 + 1, corpus.For(FlatBuffersTarget.TargetName).Count);
        Assert.Contains("corpus: 6 files", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Corpus_seeds_are_accepted_by_their_targets()
    {
        using var folder = new TempFolder("fuzz-corpus");
        int i = 0;
        foreach (byte[] sst in SstSamples.Ssts())
        {
            Write(Path.Combine(folder.Path, $"{i++:D4}.sst"), sst);
        }

        var corpus = CorpusSeeds.Load([folder.Path], TextWriter.Null);

        foreach (IFuzzTarget target in FuzzTargets.Create())
        {
            foreach (byte[] seed in corpus.For(target.Name))
            {
                target.Run(seed);
            }
        }
    }

    [Fact]
    public void A_missing_corpus_folder_is_an_error()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"slatefast-missing-{Guid.NewGuid():N}");

        Assert.Throws<DirectoryNotFoundException>(() => CorpusSeeds.Load([missing], TextWriter.Null));
    }

    private static void Write(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
