using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SlateFast.Format;

namespace SlateFast.Benchmarks.Format;

/// <summary>CRC32 of a block-sized and a large buffer (System.IO.Hashing since RFC 0025).</summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Format)]
[Config(typeof(Crc32Config))]
public class Crc32Benchmarks
{
    private byte[] _data = [];

    /// <summary>Buffer length in bytes.</summary>
    [Params(4 * 1024, 64 * 1024)]
    public int Size { get; set; }

    /// <summary>Fills the buffer with fixed pseudo-random bytes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(42).NextBytes(_data);
    }

    /// <summary>The CRC every SST section carries.</summary>
    [Benchmark]
    public uint Compute() => Crc32.Compute(_data);

    private sealed class Crc32Config : ManualConfig
    {
        public Crc32Config() => AddColumn(new ThroughputColumn());
    }
}
