using BenchmarkDotNet.Attributes;
using SlateFast.Format;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Benchmarks.Format;

/// <summary>
/// V2 data blocks of SlateDB's default shape: 4 KiB, 16-byte keys, 100-byte values. Decode, iterate and
/// seek must allocate nothing.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Format)]
public class BlockBenchmarks
{
    private const int BlockSize = 4096;
    private readonly BlockIterator _iterator = new();
    private byte[][] _keys = [];
    private byte[] _value = [];
    private byte[][] _probes = [];
    private byte[] _block = [];
    private BlockBuilderV2 _builder = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _keys = Enumerable.Range(0, 64).Select(i => System.Text.Encoding.ASCII.GetBytes($"user:{i * 7919:D11}")).ToArray();
        _value = new byte[100];
        rng.NextBytes(_value);
        _builder = new BlockBuilderV2(BlockSize);
        _block = EncodeBlock().ToArray();

        // Present keys and misses between them, in random order.
        _probes = _keys.Take(RowsInBlock()).SelectMany(k => new[] { k, [.. k, 0] }).OrderBy(_ => rng.Next()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _builder.Dispose();

    [Benchmark]
    public int Encode() => EncodeBlock().Length;

    [Benchmark]
    public long DecodeAndIterate()
    {
        _iterator.Reset(_block, BlockFormat.V2);
        long sum = 0;
        for (bool ok = _iterator.SeekToFirst(); ok; ok = _iterator.MoveNext())
        {
            sum += _iterator.Key.Length + _iterator.Value.Length + (long)_iterator.Seq;
        }

        return sum;
    }

    [Benchmark]
    public int DecodeAndSeekEveryProbe()
    {
        _iterator.Reset(_block, BlockFormat.V2);
        int found = 0;
        foreach (byte[] probe in _probes)
        {
            found += _iterator.Seek(probe) ? 1 : 0;
        }

        return found;
    }

    [Benchmark]
    public int IterateBackwards()
    {
        _iterator.Reset(_block, BlockFormat.V2);
        int rows = 0;
        for (bool ok = _iterator.SeekToLast(); ok; ok = _iterator.MovePrev())
        {
            rows++;
        }

        return rows;
    }

    private ReadOnlySpan<byte> EncodeBlock()
    {
        _builder.Reset();
        ulong seq = 1000;
        foreach (byte[] key in _keys)
        {
            if (!_builder.TryAdd(RowEntry.Put(key, _value, seq--, createTs: 1_700_000_000_000)))
            {
                break;
            }
        }

        return _builder.Finish();
    }

    private int RowsInBlock()
    {
        _iterator.Reset(_block, BlockFormat.V2);
        int rows = 0;
        for (bool ok = _iterator.SeekToFirst(); ok; ok = _iterator.MoveNext())
        {
            rows++;
        }

        return rows;
    }
}
