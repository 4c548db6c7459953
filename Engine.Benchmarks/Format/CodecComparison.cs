using System.Buffers;
using System.Diagnostics;
using SlateFast.Format;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Benchmarks.Format;

/// <summary>
/// <c>Engine.Benchmarks codecs</c>: each codec's managed implementation against the system
/// library, compressing and decompressing real V2 data blocks of 4 KiB (SlateDB's default) and
/// 64 KiB. The variants run interleaved in rounds, so machine noise hits them alike; the table
/// gives the median MB/s of uncompressed bytes and native/managed ratios (RFC 0025 records them).
/// </summary>
internal static class CodecComparison
{
    public static int Run(string[] args)
    {
        int rounds = ArgValue(args, "--rounds", 7);
        double roundSeconds = ArgValue(args, "--round-ms", 300) / 1000.0;
        Console.WriteLine($"codecs: {rounds} rounds of {roundSeconds * 1000:F0} ms per variant, interleaved; MB/s of uncompressed bytes (median)");
        Console.WriteLine($"{"codec",-7} {"block",6} {"impl",-14} {"ratio",6} {"compress",10} {"decompress",11}");
        foreach (int blockSize in new[] { 4096, 65536 })
        {
            byte[][] blocks = Blocks(blockSize, count: 64);
            var variants = new List<Variant>
            {
                Variant.Zstd(ManagedZstd.Instance),
                Variant.Lz4(ManagedLz4.Instance),
                Variant.Snappy("ours"),
                Variant.SnappierDecoder(),
            };
            AddNative(variants, () => Variant.Zstd(ZstdCodec.Native));
            AddNative(variants, () => Variant.Lz4(Lz4Codec.Native));
            var results = variants.ToDictionary(v => v, _ => (Compress: new List<double>(), Decompress: new List<double>()));
            var writer = new ArrayBufferWriter<byte>(blockSize * 2);
            for (int round = 0; round < rounds; round++)
            {
                foreach (Variant v in variants)
                {
                    byte[][] compressed = blocks.Select(b => v.CompressToArray(b)).ToArray();
                    results[v].Compress.Add(Measure(blocks, roundSeconds, b =>
                    {
                        writer.ResetWrittenCount();
                        v.Compress(b, writer);
                    }));
                    results[v].Decompress.Add(Measure(compressed, roundSeconds, c =>
                    {
                        writer.ResetWrittenCount();
                        v.Decompress(c, blockSize, writer);
                    }, blockSize));
                }
            }

            foreach (IGrouping<string, Variant> codec in variants.GroupBy(v => v.Codec))
            {
                Variant? managed = codec.FirstOrDefault(v => v.Implementation is "managed" or "ours");
                foreach (Variant v in codec)
                {
                    double ratio = blocks.Sum(b => (double)b.Length) / blocks.Sum(b => (double)v.CompressToArray(b).Length);
                    double c = Median(results[v].Compress), d = Median(results[v].Decompress);
                    string versus = managed is not null && v != managed
                        ? $"  vs {managed.Implementation}: compress {c / Median(results[managed].Compress):F2}x, decompress {d / Median(results[managed].Decompress):F2}x"
                        : "";
                    Console.WriteLine($"{v.Codec,-7} {blockSize / 1024,4}Ki {v.Implementation,-14} {ratio,6:F2} {c,10:F0} {d,11:F0}{versus}");
                }
            }
        }

        return 0;
    }

    private static void AddNative(List<Variant> variants, Func<Variant> native)
    {
        try
        {
            variants.Add(native());
        }
        catch (SlateFastException ex)
        {
            Console.WriteLine($"codecs: skipping a system library: {ex.Message}");
        }
    }

    // MB/s of uncompressed bytes over about `seconds`, cycling through the inputs.
    private static double Measure(byte[][] inputs, double seconds, Action<byte[]> op, int uncompressedPerOp = 0)
    {
        long bytes = 0;
        long ops = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 64; i++)
            {
                byte[] input = inputs[(int)(ops++ % inputs.Length)];
                op(input);
                bytes += uncompressedPerOp > 0 ? uncompressedPerOp : input.Length;
            }
        }

        return bytes / watch.Elapsed.TotalSeconds / 1e6;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    // Data blocks as the SST writer makes them: ascending 16-byte keys, 100-byte values half
    // random and half repeated (db_bench's "compressible to 50%"), filled to the block size.
    private static byte[][] Blocks(int blockSize, int count)
    {
        var random = new Random(25);
        var blocks = new byte[count][];
        using var builder = new BlockBuilderV2(blockSize);
        long key = 0;
        for (int b = 0; b < count; b++)
        {
            builder.Reset();
            while (true)
            {
                byte[] k = System.Text.Encoding.ASCII.GetBytes($"user{key:D12}");
                byte[] value = new byte[100];
                random.NextBytes(value.AsSpan(0, 50));
                value.AsSpan(50).Fill((byte)'v');
                if (!builder.TryAdd(RowEntry.Put(k, value, (ulong)(1_000_000 - key), createTs: 1_700_000_000_000 + key)))
                {
                    break;
                }

                key++;
            }

            blocks[b] = builder.Finish().ToArray();
        }

        return blocks;
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    private sealed class Variant
    {
        private Action<byte[], IBufferWriter<byte>> _compress = null!;
        private Func<byte[], int, IBufferWriter<byte>, int> _decompress = null!;

        public string Codec { get; private init; } = "";

        public string Implementation { get; private init; } = "";

        public static Variant Zstd(ZstdBackend backend) => new()
        {
            Codec = "zstd",
            Implementation = backend.Name,
            _compress = (input, output) => ZstdCodec.Compress(backend, input, output),
            _decompress = (input, max, output) => ZstdCodec.Decompress(backend, input, max, output),
        };

        public static Variant Lz4(Lz4Backend backend) => new()
        {
            Codec = "lz4",
            Implementation = backend.Name,
            _compress = (input, output) => Lz4Codec.Compress(backend, input, output),
            _decompress = (input, max, output) => Lz4Codec.Decompress(backend, input, max, output),
        };

        public static Variant Snappy(string name) => new()
        {
            Codec = "snappy",
            Implementation = name,
            _compress = (input, output) => SnappyCodec.Compress(input, output),
            _decompress = (input, max, output) => SnappyCodec.Decompress(input, max, output),
        };

        // Snappier for both directions: decides whether our own decoder stays (RFC 0025).
        public static Variant SnappierDecoder() => new()
        {
            Codec = "snappy",
            Implementation = "Snappier",
            _compress = (input, output) => SnappyCodec.Compress(input, output),
            _decompress = (input, max, output) =>
            {
                int length = Snappier.Snappy.GetUncompressedLength(input);
                int written = Snappier.Snappy.Decompress(input, output.GetSpan(length));
                output.Advance(written);
                return written;
            },
        };

        public void Compress(byte[] input, IBufferWriter<byte> output) => _compress(input, output);

        public int Decompress(byte[] input, int max, IBufferWriter<byte> output) => _decompress(input, max, output);

        public byte[] CompressToArray(byte[] input)
        {
            var writer = new ArrayBufferWriter<byte>();
            _compress(input, writer);
            return writer.WrittenSpan.ToArray();
        }
    }
}
