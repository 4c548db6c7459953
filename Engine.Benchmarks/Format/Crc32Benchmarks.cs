using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SlateFast.Format;

namespace SlateFast.Benchmarks.Format;

/// <summary>CRC32 of a block-sized and a large buffer, carry-less multiply against slicing-by-8.</summary>
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

    /// <summary>The table path.</summary>
    [Benchmark(Baseline = true)]
    public uint Scalar() => Crc32.ComputeScalar(_data);

    /// <summary>The Pclmulqdq path.</summary>
    [Benchmark]
    public uint Vectorized() => Crc32.ComputeVectorized(_data);

    private sealed class Crc32Config : ManualConfig
    {
        public Crc32Config() => AddColumn(new ThroughputColumn());
    }
}
