using System.Buffers;
using BenchmarkDotNet.Attributes;
using SlateFast.Format;

namespace SlateFast.Benchmarks.Format;

/// <summary>Building a filter for an SST's keys.</summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Format)]
public class BloomFilterBuildBenchmarks
{
    private byte[][] _keys = [];
    private ulong[] _hashes = [];
    private byte[] _destination = [];
    private BloomFilterBuilder _builder = new();
    private ArrayBufferWriter<byte> _output = new();

    /// <summary>Rows in the SST.</summary>
    [Params(1000, 100_000)]
    public int Keys { get; set; }

    /// <summary>Creates keys shaped like a user's (<c>user:00001234</c>).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _keys = Enumerable.Range(0, Keys).Select(i => System.Text.Encoding.ASCII.GetBytes($"user:{i:D8}")).ToArray();
        _hashes = _keys.Select(k => SipHash13.Hash(k)).ToArray();
        _destination = new byte[BloomFilterBuilder.EncodedLength(Keys, 10)];
        _builder = new BloomFilterBuilder(Keys);
        _output = new ArrayBufferWriter<byte>(_destination.Length);
    }

    /// <summary>Setting the bits from precomputed hashes.</summary>
    [Benchmark]
    public void BuildFromHashes() => BloomFilterBuilder.Build(_hashes, 10, _destination);

    /// <summary>Hashing every key and building, with a reused builder and output, as the SST writer does.</summary>
    [Benchmark]
    public int AddKeysAndBuild()
    {
        _builder.Reset();
        foreach (byte[] key in _keys)
        {
            _builder.Add(key);
        }

        _output.ResetWrittenCount();
        _builder.Build(10, _output);
        return _output.WrittenCount;
    }
}

/// <summary>Point-read probes; both must allocate nothing.</summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Format)]
public class BloomFilterProbeBenchmarks
{
    private BloomFilter _filter;
    private byte[] _present = [];
    private byte[] _absent = [];

    /// <summary>Builds a 100k-key filter at 10 bits per key.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var builder = new BloomFilterBuilder(100_000);
        for (int i = 0; i < 100_000; i++)
        {
            builder.Add(System.Text.Encoding.ASCII.GetBytes($"user:{i:D8}"));
        }

        var output = new ArrayBufferWriter<byte>();
        builder.Build(10, output);
        _filter = BloomFilter.Parse(output.WrittenMemory);
        _present = System.Text.Encoding.ASCII.GetBytes("user:00054321");
        _absent = System.Text.Encoding.ASCII.GetBytes("user:x0054321");
    }

    /// <summary>A key that was added: every probe runs.</summary>
    [Benchmark]
    public bool ProbeHit() => _filter.MightContain(_present);

    /// <summary>A key that was not added: usually stops at the first clear bit.</summary>
    [Benchmark]
    public bool ProbeMiss() => _filter.MightContain(_absent);
}
