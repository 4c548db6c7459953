using System.Buffers;
using SlateFast.Cache;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Benchmarks.Regression;

/// <summary>
/// The fixed suite: one reference that uses no engine code (times are compared as ratios to it),
/// the format primitives, the block cache, and the database's hot paths that must not allocate.
/// </summary>
public static class RegressionCases
{
    public const string Reference = "reference-fnv1a-256B";

    private static readonly Dictionary<string, Func<RegressionCase>> s_cases = new()
    {
        [Reference] = () => new FnvReference(),
        ["crc32-4KiB"] = () => new Crc32Case(),
        ["bloom-probe"] = () => new BloomProbeCase(),
        ["block-decode-iterate-4KiB"] = () => new BlockIterateCase(),
        ["cache-hit"] = () => new CacheHitCase(),
        ["db-put-nowait"] = () => new DbPutCase(),
        ["db-get-memtable"] = () => new DbGetCase(DbGetCase.Source.Memtable),
        ["db-get-l0-cached"] = () => new DbGetCase(DbGetCase.Source.L0),
        ["db-get-missing-l0"] = () => new DbGetCase(DbGetCase.Source.Missing),
        ["db-scan-row-l0-cached"] = () => new DbScanRowCase(),
    };

    public static IEnumerable<string> Names => s_cases.Keys;

    public static RegressionCase Create(string name) => s_cases[name]();

    private sealed class FnvReference : RegressionCase
    {
        private readonly byte[] _data = new byte[256];

        public override string Name => Reference;

        public override void Setup() => new Random(1).NextBytes(_data);

        public override long Run(int ops)
        {
            ulong h = 0;
            for (var n = 0; n < ops; n++)
            {
                h = 0xCBF29CE484222325UL ^ (ulong)n;
                foreach (var b in _data)
                {
                    h = (h ^ b) * 0x100000001B3UL;
                }
            }

            return (long)h;
        }
    }

    private sealed class Crc32Case : RegressionCase
    {
        private readonly byte[] _data = new byte[4096];

        public override string Name => "crc32-4KiB";

        public override void Setup() => new Random(2).NextBytes(_data);

        public override long Run(int ops)
        {
            long sum = 0;
            for (var n = 0; n < ops; n++)
            {
                sum += Crc32.Compute(_data);
            }

            return sum;
        }
    }

    private sealed class BloomProbeCase : RegressionCase
    {
        private BloomFilter _filter;
        private byte[][] _keys = [];

        public override string Name => "bloom-probe";

        public override void Setup()
        {
            var builder = new BloomFilterBuilder(100_000);
            _keys = Enumerable.Range(0, 2048).Select(i => System.Text.Encoding.ASCII.GetBytes($"user:{i * 48:D8}")).ToArray();
            for (var i = 0; i < 100_000; i++)
            {
                builder.Add(System.Text.Encoding.ASCII.GetBytes($"user:{i:D8}"));
            }

            var output = new ArrayBufferWriter<byte>();
            builder.Build(10, output);
            _filter = BloomFilter.Parse(output.WrittenMemory);
        }

        public override long Run(int ops)
        {
            long hits = 0;
            for (var n = 0; n < ops; n++)
            {
                // Half the probed keys were added, half were not.
                hits += _filter.MightContain(_keys[n & 2047]) ? 1 : 0;
            }

            return hits;
        }
    }

    private sealed class BlockIterateCase : RegressionCase
    {
        private readonly BlockIterator _iterator = new();
        private byte[] _block = [];

        public override string Name => "block-decode-iterate-4KiB";

        public override void Setup()
        {
            using var builder = new BlockBuilderV2(4096);
            var value = new byte[100];
            new Random(3).NextBytes(value);
            ulong seq = 1000;
            for (var i = 0; builder.TryAdd(RowEntry.Put(System.Text.Encoding.ASCII.GetBytes($"user:{i * 7919:D11}"), value, seq--, createTs: 1_700_000_000_000)); i++)
            {
            }

            _block = builder.Finish().ToArray();
        }

        public override long Run(int ops)
        {
            long sum = 0;
            for (var n = 0; n < ops; n++)
            {
                _iterator.Reset(_block, BlockFormat.V2);
                for (var ok = _iterator.SeekToFirst(); ok; ok = _iterator.MoveNext())
                {
                    sum += _iterator.Key.Length + _iterator.Value.Length;
                }
            }

            return sum;
        }
    }

    private sealed class CacheHitCase : RegressionCase
    {
        private BlockCache _cache = null!;
        private BlockCacheKey[] _keys = [];

        public override string Name => "cache-hit";

        public override void Setup()
        {
            _cache = new BlockCache(new BlockCacheOptions { DataCapacityBytes = 64L << 20 });
            _keys = Enumerable.Range(0, 1024).Select(i => BlockCacheKey.Compacted(1, 77, i * 4096L)).ToArray();
            var block = new byte[4096];
            foreach (var key in _keys)
            {
                _cache.Insert(key, BlockKind.Data, block).Dispose();
            }
        }

        public override long Run(int ops)
        {
            long sum = 0;
            for (var n = 0; n < ops; n++)
            {
                if (_cache.TryGet(_keys[n & 1023], BlockKind.Data, out var lease))
                {
                    sum += lease.Length;
                    lease.Dispose();
                }
            }

            return sum;
        }

        public override void Dispose()
        {
            _cache?.Dispose();
            base.Dispose();
        }
    }

    private static byte[][] RandomKeys(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var k = new byte[16];
            random.NextBytes(k);
            return k;
        }).ToArray();
    }

    /// <summary>Non-durable puts on the in-memory store: the caller's path must allocate nothing.</summary>
    private sealed class DbPutCase : RegressionCase
    {
        private readonly byte[] _value = new byte[100];
        private DbHandle _db = null!;
        private byte[][] _keys = [];
        private int _next;

        public override string Name => "db-put-nowait";

        public override void Setup()
        {
            _keys = RandomKeys(1 << 16, 4);
            _db = DbHandle.OpenAsync("perf", new InMemoryObjectStore(), new DbOptions { L0MaxSsts = 1000 }).GetAwaiter().GetResult();
        }

        public override long Run(int ops)
        {
            long seq = 0;
            for (var n = 0; n < ops; n++)
            {
                var pending = _db.PutAsync(_keys[_next++ & 0xFFFF], _value, writeOptions: WriteOptions.NoWait);
                seq += (long)(pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).Seq;
            }

            return seq;
        }

        public override void Dispose()
        {
            _db?.CloseAsync().GetAwaiter().GetResult();
            base.Dispose();
        }
    }

    /// <summary>
    /// One row of a scan through the cursor API (<see cref="DbIterator.MoveNextAsync"/> with
    /// span access), from cached L0 blocks: the zero-copy scan path, one operation per row.
    /// </summary>
    private sealed class DbScanRowCase : RegressionCase
    {
        private const int Rows = 50_000;
        private static readonly ScanOptions s_scan = new() { CacheBlocks = true };
        private DbHandle _db = null!;
        private DbIterator? _iterator;

        public override string Name => "db-scan-row-l0-cached";

        public override void Setup()
        {
            _db = DbHandle.OpenAsync("perf", new InMemoryObjectStore(), new DbOptions { L0SstSizeBytes = 4L << 20, L0MaxSsts = 1000 }).GetAwaiter().GetResult();
            var value = new byte[100];
            foreach (var key in RandomKeys(Rows, 7))
            {
                _db.PutAsync(key, value, writeOptions: WriteOptions.NoWait).AsTask().GetAwaiter().GetResult();
            }

            _db.FlushAsync(FlushType.MemTable).GetAwaiter().GetResult();
            Restart();
            while (Next(out _))
            {
            }

            Restart();
        }

        public override long Run(int ops)
        {
            long bytes = 0;
            for (var n = 0; n < ops; n++)
            {
                if (!Next(out var length))
                {
                    // Past the last row: a new scan from the start (rare: 1 in 50,000 rows).
                    Restart();
                    Next(out length);
                }

                bytes += length;
            }

            return bytes;
        }

        private void Restart()
        {
            _iterator?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _iterator = _db.ScanAsync(KeyRange.All, s_scan);
        }

        private bool Next(out int length)
        {
            var pending = _iterator!.MoveNextAsync();
            var more = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            length = more ? _iterator.Key.Length + _iterator.Value.Length : 0;
            return more;
        }

        public override void Dispose()
        {
            _iterator?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _db?.CloseAsync().GetAwaiter().GetResult();
            base.Dispose();
        }
    }

    /// <summary>Point reads that complete synchronously: memtable hits, cached L0 hits, and bloom-filtered misses.</summary>
    private sealed class DbGetCase(DbGetCase.Source source) : RegressionCase
    {
        private const int Rows = 50_000;
        private readonly ArrayBufferWriter<byte> _value = new(256);
        private DbHandle _db = null!;
        private byte[][] _keys = [];
        private byte[][] _missing = [];

        public enum Source
        {
            Memtable,
            L0,
            Missing,
        }

        public override string Name => source switch
        {
            Source.Memtable => "db-get-memtable",
            Source.L0 => "db-get-l0-cached",
            _ => "db-get-missing-l0",
        };

        public override void Setup()
        {
            _keys = RandomKeys(Rows, 5);
            _missing = RandomKeys(4096, 6);
            _db = DbHandle.OpenAsync("perf", new InMemoryObjectStore(), new DbOptions { L0SstSizeBytes = 4L << 20, L0MaxSsts = 1000 }).GetAwaiter().GetResult();
            var value = new byte[100];
            foreach (var key in _keys)
            {
                _db.PutAsync(key, value, writeOptions: WriteOptions.NoWait).AsTask().GetAwaiter().GetResult();
            }

            if (source != Source.Memtable)
            {
                _db.FlushAsync(FlushType.MemTable).GetAwaiter().GetResult();
            }

            foreach (var key in _keys)
            {
                _value.ResetWrittenCount();
                _db.TryGetAsync(key, _value).AsTask().GetAwaiter().GetResult();
            }
        }

        public override long Run(int ops)
        {
            long found = 0;
            var keys = source == Source.Missing ? _missing : _keys;
            for (var n = 0; n < ops; n++)
            {
                _value.ResetWrittenCount();
                var pending = _db.TryGetAsync(keys[(n * 7919) % keys.Length], _value);
                found += (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()) ? 1 : 0;
            }

            return found;
        }

        public override void Dispose()
        {
            _db?.CloseAsync().GetAwaiter().GetResult();
            base.Dispose();
        }
    }
}
