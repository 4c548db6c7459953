using System.Buffers;
using System.Text;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Interop;
using SlateFast.Tests.Support;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Sst;

public sealed class BlockTransformerTests
{
    private static string S(byte[]? b) => b is null ? "<none>" : Encoding.UTF8.GetString(b);

    internal sealed class Identity : IBlockTransformer
    {
        public void Encode(ReadOnlySpan<byte> block, IBufferWriter<byte> output) => output.Write(block);

        public void Decode(ReadOnlySpan<byte> stored, IBufferWriter<byte> output) => output.Write(stored);
    }

    /// <summary>XOR with a key byte plus a one-byte trailer, so stored lengths differ from the plain ones.</summary>
    internal sealed class Xor(byte key) : IBlockTransformer
    {
        public int Decodes;

        public void Encode(ReadOnlySpan<byte> block, IBufferWriter<byte> output)
        {
            var span = output.GetSpan(block.Length + 1);
            for (var i = 0; i < block.Length; i++)
            {
                span[i] = (byte)(block[i] ^ key);
            }

            span[block.Length] = key;
            output.Advance(block.Length + 1);
        }

        public void Decode(ReadOnlySpan<byte> stored, IBufferWriter<byte> output)
        {
            Interlocked.Increment(ref Decodes);
            if (stored.IsEmpty || stored[^1] != key)
            {
                throw new InvalidDataException("not encoded with this key");
            }

            var span = output.GetSpan(stored.Length - 1);
            for (var i = 0; i < stored.Length - 1; i++)
            {
                span[i] = (byte)(stored[i] ^ key);
            }

            output.Advance(stored.Length - 1);
        }
    }

    private sealed class FailingDecode : IBlockTransformer
    {
        public void Encode(ReadOnlySpan<byte> block, IBufferWriter<byte> output) => output.Write(block);

        public void Decode(ReadOnlySpan<byte> stored, IBufferWriter<byte> output) => throw new InvalidOperationException("key service unreachable");
    }

    private static byte[] Build(SstBuildSettings settings, int rows)
    {
        using var builder = new SstBuilder(settings);
        for (var i = 0; i < rows; i++)
        {
            var seq = settings.Type == SstType.Wal ? (ulong)(i + 1) : (ulong)(rows - i);
            builder.Add(new RowEntry(B($"key{i:d5}"), B($"value-{i}-{new string('x', i % 40)}"), seq, RowKind.Value, null, 1000 + i));
        }

        builder.Finish();
        return builder.Pending.ToArray();
    }

    private static DbOptions Options(IBlockTransformer? transformer) => new()
    {
        FlushInterval = TimeSpan.FromMilliseconds(5),
        L0SstSizeBytes = 4096,
        MinFilterKeys = 10,
        Seed = 7,
        Compactor = new CompactorOptions { PollInterval = TimeSpan.FromHours(1) },
        GarbageCollector = null,
        BlockTransformer = transformer,
    };

    [Theory]
    [InlineData(CompressionCodec.None, false)]
    [InlineData(CompressionCodec.Lz4, false)]
    [InlineData(CompressionCodec.None, true)]
    public void An_identity_transformer_writes_the_bytes_of_no_transformer(CompressionCodec codec, bool wal)
    {
        var plain = new SstBuildSettings(512, codec, 10, 10, wal ? SstType.Wal : SstType.Compacted);

        Assert.Equal(Build(plain, 300), Build(plain with { Transformer = new Identity() }, 300));
    }

    [Fact]
    public async Task Every_section_but_the_info_is_encoded_after_compression_and_before_the_checksum()
    {
        var store = new InMemoryObjectStore();
        var xor = new Xor(0x5A);
        await store.PutAsync("t.sst", Build(new SstBuildSettings(512, CompressionCodec.Lz4, 10, 10, SstType.Compacted, Transformer: xor), 300));
        await store.PutAsync("p.sst", Build(new SstBuildSettings(512, CompressionCodec.Lz4, 10, 10, SstType.Compacted), 300));
        var plain = await SstFile.OpenAsync(store, "p.sst");

        var file = await SstFile.OpenAsync(store, "t.sst", transformer: xor);

        // One extra byte per section (the XOR trailer) of the blocks, filter and stats; the index
        // holds the shifted block offsets, so only its decoded form matches.
        Assert.Equal(plain.BlockCount, file.BlockCount);
        Assert.Equal(plain.Info.FilterLength + 1, file.Info.FilterLength);
        Assert.Equal(plain.Info.StatsLength + 1, file.Info.StatsLength);
        Assert.Equal(plain.Stats!.Puts, file.Stats!.Puts);
        Assert.Equal((ulong)plain.BlockCount, file.Info.FilterOffset - plain.Info.FilterOffset);
        for (var b = 0; b < file.BlockCount; b++)
        {
            Assert.Equal((await plain.ReadBlockAsync(b)).ToArray(), (await file.ReadBlockAsync(b)).ToArray());
        }
    }

    [Fact]
    public async Task An_encrypting_transformer_round_trips_through_wal_replay_flush_compaction_reopen_scans_and_point_reads()
    {
        using var dir = new TempFolder("xform");
        var store = new LocalObjectStore(dir.Path);
        var xor = new Xor(0xA7);
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using (var db = await DbHandle.OpenAsync("db", store, Options(xor)))
        {
            for (var round = 0; round < 4; round++)
            {
                for (var k = 0; k < 60; k++)
                {
                    var (key, value) = ($"k{k:d3}", $"v{round}-{k}");
                    await db.PutAsync(B(key), B(value));
                    expected[key] = value;
                }

                await db.FlushAsync(FlushType.MemTable);
            }

            await db.DeleteAsync(B("k007"));
            expected.Remove("k007");
            await db.FlushAsync(FlushType.MemTable);
            await db.CompactAsync();

            // Left in the WAL only: the reopen must replay it through the transformer.
            await db.PutAsync(B("wal-only"), B("replayed"));
            expected["wal-only"] = "replayed";
        }

        await using (var db = await DbHandle.OpenAsync("db", store, Options(xor)))
        {
            Assert.Equal(expected.Select(kv => (kv.Key, kv.Value)), await Compacting.CompactionDbTests.ScanAll(db));
            Assert.Equal("v3-42", S(await db.GetAsync(B("k042"))));
            Assert.Equal("replayed", S(await db.GetAsync(B("wal-only"))));
            Assert.Null(await db.GetAsync(B("k007")));
        }

        await using (var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { BlockTransformer = xor }))
        {
            Assert.Equal("v3-13", S(await reader.GetAsync(B("k013"))));
        }

        Assert.True(xor.Decodes > 0);
    }

    [Fact]
    public async Task A_database_written_with_a_transformer_fails_with_Data_when_opened_without_it_and_still_opens_with_it()
    {
        var store = new InMemoryObjectStore();
        var xor = new Xor(0x33);
        await using (var db = await DbHandle.OpenAsync("db", store, Options(xor)))
        {
            await db.PutAsync(B("a"), B("secret"));
            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync(B("b"), B("in the wal"));
        }

        var e = await Assert.ThrowsAnyAsync<SlateFastException>(async () =>
        {
            await using var db = await DbHandle.OpenAsync("db", store, Options(null));
            await db.GetAsync(B("a"));
        });

        Assert.Equal(ErrorKind.Data, e.Kind);

        // The failed open left a fence of its own, without the transformer.
        await using var again = await DbHandle.OpenAsync("db", store, Options(xor));
        Assert.Equal("in the wal", S(await again.GetAsync(B("b"))));
        Assert.Equal("secret", S(await again.GetAsync(B("a"))));
    }

    [Fact]
    public async Task Reading_flushed_blocks_without_the_transformer_is_Data_never_garbage()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, Options(new Xor(0x33))))
        {
            await db.PutAsync(B("a"), B("secret"));
            await db.FlushAsync(FlushType.MemTable);
        }

        var e = await Assert.ThrowsAsync<SlateFastException>(async () =>
        {
            await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { SkipWalReplay = true });
            await reader.GetAsync(B("a"));
        });

        Assert.Equal(ErrorKind.Data, e.Kind);
    }

    [Fact]
    public async Task A_transformer_that_throws_on_decode_surfaces_as_Data_naming_the_object()
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync("t.sst", Build(new SstBuildSettings(512, CompressionCodec.None, 10, 10, SstType.Compacted), 50));

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await SstFile.OpenAsync(store, "t.sst", transformer: new FailingDecode()));

        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains("t.sst", e.Message, StringComparison.Ordinal);
        Assert.Contains("key service unreachable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slatedb_reads_a_database_written_through_an_identity_transformer()
    {
        using var dir = new TempFolder("xform-interop");
        var store = new LocalObjectStore(dir.Path);
        await using (var db = await DbHandle.OpenAsync("db", store, Options(new Identity())))
        {
            await db.PutAsync(B("a"), B("flushed"));
            await db.FlushAsync(FlushType.MemTable);
            await db.CompactAsync();
            await db.PutAsync(B("b"), B("in the wal"));
        }

        var rows = await SlateDbNode.ScanAsync(dir.Path, "db");

        Assert.Equal(["a=flushed", "b=in the wal"], rows.Select(r => $"{S(r.Key)}={S(r.Value)}"));
    }
}
