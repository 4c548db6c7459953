using System.Buffers;
using SlateFast.Format;

namespace SlateFast.Fuzz.Targets;

/// <summary>Parses a filter payload and probes it, both through the parsed struct and the raw-span path.</summary>
internal sealed class BloomFilterTarget : IFuzzTarget
{
    private static readonly ulong[] s_probeHashes = [0, 1, ulong.MaxValue, 0x8000000000000000, 0xFFFFFFFF, 0x1_0000_0000];

    public const string TargetName = "bloom";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var filter = BloomFilter.Parse(input.ToArray());
        foreach (ulong hash in s_probeHashes)
        {
            bool parsed = filter.MightContain(hash);
            if (parsed != BloomFilter.MightContain(input, hash))
            {
                throw new InvalidOperationException($"parsed and raw probes disagree for hash {hash:x16}");
            }
        }

        filter.MightContain(input.Length > 8 ? input.Slice(2, 6) : input);
    }

    public IEnumerable<byte[]> Seeds()
    {
        foreach (int keys in new[] { 1, 26, 1000 })
        {
            foreach (int bitsPerKey in new[] { 2, 10, 16 })
            {
                var builder = new BloomFilterBuilder(keys);
                for (int i = 0; i < keys; i++)
                {
                    builder.Add(BitConverter.GetBytes(i * 7919));
                }

                var writer = new ArrayBufferWriter<byte>();
                builder.Build(bitsPerKey, writer);
                yield return writer.WrittenSpan.ToArray();
            }
        }
    }
}
