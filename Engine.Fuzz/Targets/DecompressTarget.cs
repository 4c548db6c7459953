using System.Buffers;
using SlateFast.Format;

namespace SlateFast.Fuzz.Targets;

/// <summary>Decompresses with one codec under a fixed output limit and checks the limit held.</summary>
internal sealed class DecompressTarget(CompressionCodec codec) : IFuzzTarget
{
    private const int MaxOutputSize = 1 << 20;
    private readonly ArrayBufferWriter<byte> _output = new();

    public string Name => $"decompress-{codec.ToString().ToLowerInvariant()}";

    public void Run(ReadOnlySpan<byte> input)
    {
        _output.ResetWrittenCount();
        int written = Compression.Decompress(codec, input, MaxOutputSize, _output);
        if (written != _output.WrittenCount || written > MaxOutputSize)
        {
            throw new InvalidOperationException($"reported {written} bytes, wrote {_output.WrittenCount}, limit {MaxOutputSize}");
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var random = new Random(1);
        byte[] noise = new byte[3000];
        random.NextBytes(noise);
        byte[] text = "key-000001=value-000001;key-000002=value-000002;key-000003=value-000003;"u8.ToArray();
        byte[][] samples = [[], [42], text, noise, new byte[70_000], [.. text, .. noise, .. text]];
        foreach (byte[] sample in samples)
        {
            var writer = new ArrayBufferWriter<byte>();
            Compression.Compress(codec, sample, writer);
            yield return writer.WrittenSpan.ToArray();
        }
    }
}
