using System.Buffers;
using SlateFast.Format;
using SlateFast.Sst;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Decodes a composite filter section (SlateDB 0.13+: named filters) and probes the whole-key
/// filter it yields; hostile counts and lengths must be Data, never a crash or a huge allocation.
/// </summary>
internal sealed class CompositeFilterTarget : IFuzzTarget
{
    public const string TargetName = "composite-filter";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var section = FilterBlock.Decode(input.ToArray(), FilterFormat.Composite, "fuzz", 0);
        section.Filter?.MightContain("key"u8);
        if (section.Filter is not null && !section.Names.Contains(FilterBlock.WholeKeyBloomName))
        {
            throw new InvalidOperationException("a filter was used although the block has no whole-key bloom filter");
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var bloom = new ArrayBufferWriter<byte>();
        var builder = new BloomFilterBuilder(26);
        for (int i = 0; i < 26; i++)
        {
            builder.Add(BitConverter.GetBytes(i));
        }

        builder.Build(10, bloom);
        foreach (var names in new[] { new[] { "_bf" }, ["_bf", "_bf:p=fixed3"], ["_bf:wh=0"], ["other", "_bf"] })
        {
            var output = new ArrayBufferWriter<byte>();
            FilterBlock.WriteCount(output, names.Length);
            foreach (var name in names)
            {
                FilterBlock.WriteEntryHeader(output, name, bloom.WrittenCount);
                output.Write(bloom.WrittenSpan);
            }

            yield return output.WrittenSpan.ToArray();
        }
    }
}
