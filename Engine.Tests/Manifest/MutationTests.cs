using SlateFast.Manifest;

namespace SlateFast.Tests.Manifest;

/// <summary>Seeded byte mutations of valid files: the only allowed outcomes are a value or Data.</summary>
public class MutationTests
{
    private const int Seed = 20_260_401;

    [Fact]
    public void Mutated_manifests_and_compactions_decode_or_fail_with_Data()
    {
        var r = new Random(Seed);
        var compactions = CompactionsCodec.Encode(new CompactionsState(2, [
            new Compaction(new Ulid(1, 2), new CompactionSpec([new Ulid(3, 4)], [7]), CompactionStatus.Running, []),
        ]));
        byte[][] samples = [ManifestCodec.Encode(ManifestSamples.Random(1)), ManifestCodec.Encode(ManifestSamples.Random(2)), compactions];
        for (int run = 0; run < 30_000; run++)
        {
            int which = r.Next(samples.Length);
            var bytes = (byte[])samples[which].Clone();
            for (int m = r.Next(1, 4); m > 0; m--)
            {
                bytes[r.Next(bytes.Length)] = (byte)r.Next(256);
            }

            try
            {
                if (which < 2)
                {
                    ManifestCodec.Encode(ManifestCodec.Decode(bytes));
                }
                else
                {
                    // A mutation may turn on what only version 2 holds (a newer status, the version itself).
                    var decoded = CompactionsCodec.Decode(bytes);
                    CompactionsCodec.Encode(decoded, CompactionsCodec.FitsVersion1(decoded, out _) ? CompactionsCodec.V1 : CompactionsCodec.V2);
                }
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {Seed} run {run}: {e.GetType().Name} for input {Convert.ToHexString(bytes)}: {e}");
            }
        }
    }
}
