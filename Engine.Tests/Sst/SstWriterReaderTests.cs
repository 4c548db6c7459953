using FsCheck;
using FsCheck.Fluent;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Support;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Sst;

[Trait("Category", "Golden")] // reads Engine.Tests/testdata (scripts/golden)
public sealed class SstWriterReaderTests
{
    // Objects SlateDB 0.12.1 wrote (Engine.Tests/testdata/slatedb-0.12.1): the fencing WAL (the
    // empty SST every writer writes at open) and a WAL object with deletes, binary keys and one
    // batch of deletes and a put sharing a sequence number.
    private static byte[] SlateDbFencingWal => Golden.Read("slatedb-0.12.1/wal-fence.sst");

    private static byte[] SlateDbWal => Golden.Read("slatedb-0.12.1/wal-rows.sst");

    private static byte[] Bytes(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static async Task<List<SstRow>> ReadAll(SstReader reader, ReadOnlyMemory<byte>? from = null)
    {
        var rows = new List<SstRow>();
        await foreach (var row in reader.ReadRowsAsync(from))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task An_empty_compacted_sst_is_byte_identical_to_slatedbs_fencing_wal()
    {
        using var builder = new SstBuilder(new SstBuildSettings(4096, CompressionCodec.None, 10, 1000, SstType.Compacted));
        builder.Finish();
        Assert.Equal(SlateDbFencingWal, builder.Pending.ToArray());
    }

    [Fact]
    public async Task A_wal_sst_rebuilt_from_slatedbs_rows_is_byte_identical()
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync("wal/4.sst", SlateDbWal);
        var reader = await SstReader.OpenAsync(store, "wal/4.sst");
        Assert.True(reader.Properties.IsWal);

        using var builder = new SstBuilder(SstBuildSettings.Wal(CompressionCodec.None));
        foreach (var r in await ReadAll(reader))
        {
            builder.Add(new RowEntry(r.Key, r.Value, r.Seq, r.Kind, r.ExpireTs, r.CreateTs));
        }

        builder.Finish();
        Assert.Equal(SlateDbWal, builder.Pending.ToArray());
    }

    [Theory]
    [InlineData(CompressionCodec.None, 1024)]
    [InlineData(CompressionCodec.Snappy, 4096)]
    [InlineData(CompressionCodec.Zlib, 4096)]
    [InlineData(CompressionCodec.Lz4, 65536)]
    [InlineData(CompressionCodec.Zstd, 1024)]
    public async Task Rows_written_with_each_codec_read_back_in_order_with_point_lookups(CompressionCodec codec, int blockSize)
    {
        var store = new InMemoryObjectStore();
        var keys = Enumerable.Range(0, 3000).Select(i => System.Text.Encoding.ASCII.GetBytes($"key-{i * 7:d8}")).ToList();
        await using (var writer = await SstWriter.CreateAsync(store, "out.sst", new SstWriterOptions { Compression = codec, BlockSize = blockSize }))
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (i % 10 == 3)
                {
                    await writer.DeleteAsync(keys[i]);
                }
                else if (i % 10 == 7)
                {
                    await writer.MergeAsync(keys[i], Bytes(5, i));
                }
                else
                {
                    await writer.PutAsync(keys[i], Bytes(i % 200, i));
                }
            }

            await writer.CloseAsync();
            var meta = writer.Metadata;
            Assert.Equal(2400, meta.Puts);
            Assert.Equal(300, meta.Deletes);
            Assert.Equal(300, meta.Merges);
            Assert.Equal(keys[0], meta.FirstKey);
            Assert.Equal(keys[^1], meta.LastKey);
            Assert.Equal((await store.HeadAsync("out.sst"))!.Value.Size, meta.SizeBytes);
        }

        var reader = await SstReader.OpenAsync(store, "out.sst");
        var props = reader.Properties;
        Assert.Equal(codec, props.Compression);
        Assert.Equal(2, props.FormatVersion);
        Assert.False(props.IsWal);
        Assert.True(props.FilterBytes > 0);
        Assert.Equal(2400, props.Puts);

        var rows = await ReadAll(reader);
        Assert.Equal(keys.Count, rows.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Equal(keys[i], rows[i].Key);
            Assert.Equal(i % 10 == 3 ? RowKind.Tombstone : i % 10 == 7 ? RowKind.Merge : RowKind.Value, rows[i].Kind);
            Assert.Equal(0UL, rows[i].Seq);
        }

        foreach (var i in new[] { 0, 1, 3, 7, 1500, 2999 })
        {
            var found = await reader.GetAsync(keys[i]);
            Assert.NotNull(found);
            Assert.Equal(rows[i].Value, found.Value);
        }

        Assert.Null(await reader.GetAsync("key-00000001"u8.ToArray()));
        Assert.Null(await reader.GetAsync("zzz"u8.ToArray()));
        Assert.Null(await reader.GetAsync("a"u8.ToArray()));

        var fromMiddle = await ReadAll(reader, "key-00010000"u8.ToArray());
        Assert.Equal(keys.Skip(keys.FindIndex(k => k.AsSpan().SequenceCompareTo("key-00010000"u8) >= 0)).Select(Convert.ToHexString), fromMiddle.Select(r => Convert.ToHexString(r.Key)));
    }

    [Fact]
    public async Task The_bloom_filter_is_written_only_from_the_minimum_key_count_and_rules_out_absent_keys()
    {
        var store = new InMemoryObjectStore();
        async Task<SstReader> Write(string path, int count)
        {
            await using var writer = await SstWriter.CreateAsync(store, path, new SstWriterOptions { MinFilterKeys = 100 });
            for (var i = 0; i < count; i++)
            {
                await writer.PutAsync(BitConverter.GetBytes(i).Reverse().ToArray(), new byte[] { 1 });
            }

            await writer.CloseAsync();
            return await SstReader.OpenAsync(store, path);
        }

        var small = await Write("small.sst", 99);
        var large = await Write("large.sst", 100);

        Assert.Equal(0, small.Properties.FilterBytes);
        Assert.True(small.MightContain("absent"u8));
        Assert.True(large.Properties.FilterBytes > 0);
        var falsePositives = Enumerable.Range(1000, 1000).Count(i => large.MightContain(BitConverter.GetBytes(i).Reverse().ToArray()));
        Assert.InRange(falsePositives, 0, 60);
        Assert.All(Enumerable.Range(0, 100), i => Assert.True(large.MightContain(BitConverter.GetBytes(i).Reverse().ToArray())));
    }

    [Fact]
    public async Task Keys_out_of_order_or_repeated_are_invalid_and_the_message_shows_both_keys()
    {
        await using var writer = await SstWriter.CreateAsync(new InMemoryObjectStore(), "x.sst");
        await writer.PutAsync(new byte[] { 0x10, 0xAB }, new byte[1]);

        var backwards = await Assert.ThrowsAsync<SlateFastException>(async () => await writer.PutAsync(new byte[] { 0x10, 0x01 }, new byte[1]));
        Assert.Equal(ErrorKind.Invalid, backwards.Kind);
        Assert.Contains("1001", backwards.Message, StringComparison.Ordinal);
        Assert.Contains("10AB", backwards.Message, StringComparison.Ordinal);

        var duplicate = await Assert.ThrowsAsync<SlateFastException>(async () => await writer.DeleteAsync(new byte[] { 0x10, 0xAB }));
        Assert.Equal(ErrorKind.Invalid, duplicate.Kind);
        Assert.Contains("10AB", duplicate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_and_overlong_keys_are_invalid()
    {
        await using var writer = await SstWriter.CreateAsync(new InMemoryObjectStore(), "x.sst");
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(async () => await writer.PutAsync(Array.Empty<byte>(), new byte[1]))).Kind);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(async () => await writer.PutAsync(new byte[65_536], new byte[1]))).Kind);
        await writer.PutAsync(new byte[65_535], new byte[1]);
    }

    [Fact]
    public async Task Metadata_before_close_and_writes_after_close_are_invalid()
    {
        var store = new InMemoryObjectStore();
        await using var writer = await SstWriter.CreateAsync(store, "x.sst");
        await writer.PutAsync("a"u8.ToArray(), "1"u8.ToArray());

        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => writer.Metadata).Kind);
        await writer.CloseAsync();
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(async () => await writer.PutAsync("b"u8.ToArray(), "2"u8.ToArray()))).Kind);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(async () => await writer.CloseAsync())).Kind);
        Assert.Equal(1, writer.Metadata.Puts);
    }

    [Fact]
    public async Task A_writer_disposed_without_close_leaves_no_object()
    {
        using var folder = new TempFolder("sst-abandon");
        var store = new LocalObjectStore(folder.Path);
        await using (var writer = await SstWriter.CreateAsync(store, "db/compacted/abandoned.sst"))
        {
            for (var i = 0; i < 10_000; i++)
            {
                await writer.PutAsync(BitConverter.GetBytes(i).Reverse().ToArray(), new byte[100]);
            }
        }

        Assert.Empty(await store.ListAllAsync(string.Empty));
    }

    [Fact]
    public async Task Blocks_stream_to_the_store_while_rows_are_added()
    {
        var recorder = new RecordingStore(new InMemoryObjectStore());
        await using var writer = await SstWriter.CreateAsync(recorder, "big.sst");
        for (var i = 0; i < 40_000; i++)
        {
            await writer.PutAsync(BitConverter.GetBytes(i).Reverse().ToArray(), new byte[100]);
        }

        // Several hundred KiB were handed to the store before the file was closed.
        Assert.True(recorder.BytesStreamed > 2_000_000, $"only {recorder.BytesStreamed} bytes streamed before close");
        Assert.True(recorder.LargestWrite <= 512 * 1024, $"a single write of {recorder.LargestWrite} bytes");
        await writer.CloseAsync();
        Assert.Equal(40_000, writer.Metadata.Puts);
    }

    [Fact]
    public async Task A_corrupt_block_is_a_data_error_naming_the_object_and_offset()
    {
        var store = new InMemoryObjectStore();
        await using (var writer = await SstWriter.CreateAsync(store, "c.sst", new SstWriterOptions { BlockSize = 1024 }))
        {
            for (var i = 0; i < 500; i++)
            {
                await writer.PutAsync(BitConverter.GetBytes(i).Reverse().ToArray(), new byte[50]);
            }

            await writer.CloseAsync();
        }

        var bytes = (await store.GetAsync("c.sst"))!.Data.ToArray();
        var reader = await SstReader.OpenAsync(store, "c.sst");
        var third = reader.Blocks[2];
        bytes[third.Offset + 10] ^= 0x40;
        await store.PutAsync("c.sst", bytes);
        reader = await SstReader.OpenAsync(store, "c.sst");

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await ReadAll(reader));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains("c.sst", e.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {third.Offset}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_or_foreign_files_are_data_errors_at_every_length()
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync("wal.sst", SlateDbWal);
        var full = SlateDbWal;
        for (var length = 0; length < full.Length; length++)
        {
            await store.PutAsync("cut.sst", full.AsMemory(0, length));
            var e = await Assert.ThrowsAsync<SlateFastException>(async () => await ReadAll(await SstReader.OpenAsync(store, "cut.sst")));
            Assert.Equal(ErrorKind.Data, e.Kind);
        }

        await store.PutAsync("text.sst", System.Text.Encoding.ASCII.GetBytes("this is not an SST file at all, just text"));
        Assert.Equal(ErrorKind.Data, (await Assert.ThrowsAsync<SlateFastException>(async () => await SstReader.OpenAsync(store, "text.sst"))).Kind);
    }

    [Fact]
    public async Task Every_single_byte_corruption_is_detected_or_harmless()
    {
        var full = SlateDbWal;
        var store = new InMemoryObjectStore();
        var expected = await ReadAll(await Open(store, full));
        for (var i = 0; i < full.Length; i++)
        {
            var corrupt = (byte[])full.Clone();
            corrupt[i] ^= 0x01;
            try
            {
                var rows = await ReadAll(await Open(store, corrupt));

                // Undetectable changes can only be in bytes no reader uses (none here): the rows must be unchanged.
                Assert.Equal(expected.Select(r => r.ToString()), rows.Select(r => r.ToString()));
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
            }
        }

        static async Task<SstReader> Open(InMemoryObjectStore store, byte[] bytes)
        {
            await store.PutAsync("f.sst", bytes);
            return await SstReader.OpenAsync(store, "f.sst");
        }
    }

    [SeededProperty(MaxTest = 60)]
    public Property Random_ssts_round_trip_through_builder_and_reader()
    {
        var keyGen = Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(Gen.Elements<byte>(0x00, 0x01, 0x7F, 0xFE, 0xFF), n));
        var rowGen =
            from key in keyGen
            from valueLength in Gen.Choose(0, 300)
            from kind in Gen.Elements(RowKind.Value, RowKind.Tombstone, RowKind.Merge)
            from seq in Gen.Choose(0, int.MaxValue)
            from ts in Gen.Elements<long?>(null, 0, long.MinValue, long.MaxValue, 1_795_229_482_189)
            select (key, valueLength, kind, (ulong)seq, ts);
        var gen =
            from rows in Gen.ListOf(rowGen)
            from blockSize in Gen.Elements(1, 64, 1024, 4096, 65536)
            from codec in Gen.Elements(CompressionCodec.None, CompressionCodec.Snappy, CompressionCodec.Zlib, CompressionCodec.Lz4, CompressionCodec.Zstd)
            select (rows, blockSize, codec);

        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (rawRows, blockSize, codec) = input;
            var rows = rawRows
                .GroupBy(r => Convert.ToHexString(r.key))
                .Select(g => g.First())
                .OrderBy(r => r.key, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
                .ToList();
            using var builder = new SstBuilder(new SstBuildSettings(blockSize, codec, 10, 5, SstType.Compacted));
            foreach (var r in rows)
            {
                var value = r.kind == RowKind.Tombstone ? [] : Bytes(r.valueLength, r.key.Length);
                builder.Add(new RowEntry(r.key, value, r.Item4, r.kind, r.kind == RowKind.Tombstone ? null : r.ts, r.ts));
            }

            builder.Finish();
            var store = new InMemoryObjectStore();
            store.PutAsync("p.sst", builder.Pending).AsTask().Wait();
            var reader = SstReader.OpenAsync(store, "p.sst").AsTask().Result;
            var read = ReadAll(reader).Result;
            Assert.Equal(rows.Count, read.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(rows[i].key, read[i].Key);
                Assert.Equal(rows[i].kind, read[i].Kind);
                Assert.Equal(rows[i].Item4, read[i].Seq);
                Assert.Equal(rows[i].ts, read[i].CreateTs);
                Assert.Equal(rows[i].kind == RowKind.Tombstone ? null : rows[i].ts, read[i].ExpireTs);
                Assert.Equal(rows[i].kind == RowKind.Tombstone ? 0 : rows[i].valueLength, read[i].Value.Length);
                Assert.Equal(read[i].Value, reader.GetAsync(rows[i].key).AsTask().Result!.Value);
            }
        });
    }

    private sealed class RecordingStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        public long BytesStreamed;
        public int LargestWrite;

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
            call(cancellationToken);

        public override async ValueTask<IObjectWriter> OpenWriterAsync(string path, CancellationToken cancellationToken = default) =>
            new Recorder(this, await Inner.OpenWriterAsync(path, cancellationToken));

        private sealed class Recorder(RecordingStore owner, IObjectWriter inner) : IObjectWriter
        {
            public string Path => inner.Path;

            public long BytesWritten => inner.BytesWritten;

            public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
            {
                owner.BytesStreamed += data.Length;
                owner.LargestWrite = Math.Max(owner.LargestWrite, data.Length);
                return inner.WriteAsync(data, cancellationToken);
            }

            public ValueTask<ObjectMeta> CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

            public ValueTask AbortAsync(CancellationToken cancellationToken = default) => inner.AbortAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
