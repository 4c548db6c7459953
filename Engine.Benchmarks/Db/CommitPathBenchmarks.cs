using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using SlateFast.Format;
using SlateFast.Memory;
using SlateFast.Memtables;
using SlateFast.Wal;
using SlateFast.Format.Rows;

namespace SlateFast.Benchmarks.Db;

/// <summary>
/// The measurement behind docs/rfcs/0005-commit-path.md: the same commit work (assign a sequence
/// number, append to the WAL buffer, insert into the skiplist) done (a) by the caller under a short
/// lock, or (b) by a single writer loop fed through a channel, each caller awaiting its completion
/// (SlateDB's shape). 20,000 non-durable puts from 1 and 4 producers.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Db)]
public class CommitPathBenchmarks
{
    private const int Puts = 20_000;
    private byte[][] _keys = [];
    private readonly byte[] _value = new byte[100];

    [Params(1, 4)]
    public int Producers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _keys = Enumerable.Range(0, Puts).Select(_ =>
        {
            var k = new byte[16];
            random.NextBytes(k);
            return k;
        }).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Puts, Baseline = true, Description = "caller commits under a lock")]
    public async Task LockedCommit()
    {
        using var arena = new NativeArena(64L << 20);
        var list = new ArenaSkipList(arena);
        using var wal = new WalBuffer(CompressionCodec.None, 4096);
        var gate = new Lock();
        ulong seq = 0;
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (var i = p; i < Puts; i += Producers)
            {
                lock (gate)
                {
                    var s = ++seq;
                    wal.Append(new RowEntry(_keys[i], _value, s, RowKind.Value, null, 1));
                    list.Insert(_keys[i], s, 0x04, _value, 1, 0);
                }
            }
        })));
    }

    [Benchmark(OperationsPerInvoke = Puts, Description = "single writer loop via channel")]
    public async Task ChannelLoop()
    {
        using var arena = new NativeArena(64L << 20);
        var list = new ArenaSkipList(arena);
        using var wal = new WalBuffer(CompressionCodec.None, 4096);
        var channel = Channel.CreateUnbounded<(int Index, TaskCompletionSource Done)>(new UnboundedChannelOptions { SingleReader = true });
        var loop = Task.Run(async () =>
        {
            ulong seq = 0;
            await foreach (var (i, done) in channel.Reader.ReadAllAsync())
            {
                var s = ++seq;
                wal.Append(new RowEntry(_keys[i], _value, s, RowKind.Value, null, 1));
                list.Insert(_keys[i], s, 0x04, _value, 1, 0);
                done.SetResult();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = p; i < Puts; i += Producers)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.Writer.TryWrite((i, done));
                await done.Task;
            }
        })));
        channel.Writer.Complete();
        await loop;
    }
}
