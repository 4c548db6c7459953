using SlateFast.Fuzz.Seeds;
using SlateFast.Sst;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Decodes an SST index payload, walks every block's offset and key, and searches it with keys
/// from the index itself; <see cref="SsTableIndex.FindBlock"/> must answer a block that exists.
/// </summary>
internal sealed class SstIndexTarget : IFuzzTarget
{
    public const string TargetName = "sst-index";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var index = SsTableIndex.Decode(input.ToArray());
        List<byte[]> probes = [[], [0xFF, 0xFF, 0xFF], input[..Math.Min(input.Length, 5)].ToArray()];
        ulong checksum = 0;
        for (int i = 0; i < index.BlockCount; i++)
        {
            checksum += index.BlockOffset(i);
            var key = index.FirstKey(i);
            if (!key.SequenceEqual(index.FirstKeyMemory(i).Span))
            {
                throw new InvalidOperationException($"block {i}: FirstKey and FirstKeyMemory disagree");
            }

            if (i == 0 || i == index.BlockCount - 1 || i == index.BlockCount / 2)
            {
                probes.Add(key.ToArray());
                probes.Add([.. key, 0]);
            }
        }

        foreach (byte[] probe in probes)
        {
            int block = index.FindBlock(probe);
            if (block < 0 || (index.BlockCount > 0 ? block >= index.BlockCount : block != 0))
            {
                throw new InvalidOperationException($"FindBlock answered block {block} of {index.BlockCount} (offsets sum {checksum})");
            }
        }
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.Pieces.Select(p => p.Index);
}
