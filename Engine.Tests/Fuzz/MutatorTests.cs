using System.Buffers.Binary;
using SlateFast.Fuzz;
using SlateFast.Fuzz.Seeds;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using Xunit.Abstractions;

namespace SlateFast.Tests.Fuzz;

/// <summary>The mutator's truncations reach the boundaries decoders care about.</summary>
public sealed class MutatorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Mutator_truncates_an_sst_at_every_block_and_section_boundary()
    {
        byte[] sst = SstSamples.Build(new SstBuildSettings(512, CompressionCodec.None, 10, 1, SstType.Compacted), SstSamples.SortedRows());
        var boundaries = await Boundaries(sst);
        int seed = FuzzSeed.For(output, "mutator");
        var mutator = new Mutator(new Random(seed));
        var hit = new HashSet<int>();

        for (int i = 0; i < 200_000 && !hit.IsSupersetOf(boundaries); i++)
        {
            byte[] mutated = mutator.Mutate(sst, []);
            if (mutated.Length < sst.Length && sst.AsSpan(0, mutated.Length).SequenceEqual(mutated))
            {
                hit.Add(mutated.Length);
            }
        }

        var missed = boundaries.Except(hit).Order().ToList();
        Assert.True(missed.Count == 0, $"never cut at {string.Join(", ", missed)} of {sst.Length} bytes");
    }

    [Fact]
    public void Mutator_truncates_a_block_inside_its_offset_trailer()
    {
        byte[] block = SstSamples.V2Blocks().First();
        int count = BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan(block.Length - 2));
        int trailer = block.Length - 2 - (2 * count);
        var mutator = new Mutator(new Random(FuzzSeed.For(output, "mutator")));
        var wanted = Enumerable.Range(0, count + 1).Select(i => trailer + (2 * i)).ToHashSet();

        for (int i = 0; i < 50_000 && wanted.Count > 0; i++)
        {
            byte[] mutated = mutator.Mutate(block, []);
            if (block.AsSpan().StartsWith(mutated))
            {
                wanted.Remove(mutated.Length);
            }
        }

        Assert.Empty(wanted);
    }

    /// <summary>Block starts, the filter, index and stats sections, the info and the footer.</summary>
    private static async Task<HashSet<int>> Boundaries(byte[] sst)
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync("a.sst", sst);
        var file = await SstFile.OpenAsync(store, "a.sst");
        var boundaries = Enumerable.Range(1, file.BlockCount - 1).Select(i => (int)file.Index.BlockOffset(i)).ToHashSet();
        boundaries.Add((int)file.Info.FilterOffset);
        boundaries.Add((int)file.Info.IndexOffset);
        boundaries.Add((int)file.Info.StatsOffset);
        boundaries.Add((int)BinaryPrimitives.ReadUInt64BigEndian(sst.AsSpan(sst.Length - SstSections.FooterLength)));
        boundaries.Add(sst.Length - SstSections.FooterLength);
        return boundaries;
    }
}
