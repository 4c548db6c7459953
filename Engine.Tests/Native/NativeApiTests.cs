using System.Runtime.InteropServices;
using System.Text;
using SlateFast.Native;

namespace SlateFast.Tests.Native;

/// <summary>The managed layer the exports forward to, called with raw pointers as C would.</summary>
public sealed unsafe class NativeApiTests
{
    private static int s_logged;

    [Fact]
    public void Put_then_get_returns_a_malloced_copy_the_caller_frees()
    {
        var db = Open();
        try
        {
            Ok(Put(db, "k", "value", durable: false, out var seq));
            Assert.True(seq > 0);

            var (present, value) = Get(db, "k");

            Assert.True(present);
            Assert.Equal("value", value);
            Assert.Equal((false, (string?)null), Get(db, "absent"));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }
    }

    [Fact]
    public void Get_into_reports_the_needed_length_when_the_buffer_is_too_small()
    {
        var db = Open();
        try
        {
            Ok(Put(db, "k", "0123456789", durable: false, out _));
            var small = new byte[4];
            var big = new byte[16];
            byte present;
            nuint length;
            fixed (byte* key = "k"u8, smallBuffer = small, bigBuffer = big)
            {
                Ok(NativeApi.GetInto(db, key, 1, null, smallBuffer, 4, &present, &length));
                Assert.Equal((1, (nuint)10), (present, length));
                Ok(NativeApi.GetInto(db, key, 1, null, bigBuffer, 16, &present, &length));
                Assert.Equal((1, (nuint)10), (present, length));
            }

            Assert.Equal("0123456789", Encoding.UTF8.GetString(big, 0, 10));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }
    }

    [Fact]
    public void Misuse_is_invalid_and_closed_databases_are_closed()
    {
        var db = Open();
        byte present = 9;
        byte* value = (byte*)1;
        nuint length = 9;

        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.Get(0, null, 0, null, &present, &value, &length)));
        Assert.Equal((0, 0L, (nuint)0), (present, (long)value, length)); // outputs are set on entry
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.Get(db, null, 3, null, &present, &value, &length)));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.Get(db, null, 0, null, null, &value, &length)));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.Put(db, null, 1, null, 0, null, WriteOptions.NoWait, null)));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.Put(unchecked((nint)0x1234_0000_0001), null, 0, null, 0, null, WriteOptions.NoWait, null)));

        nint iterator;
        Ok(NativeApi.Scan(db, null, 0, null, 0, null, &iterator));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.Close(iterator))); // wrong type
        Ok(NativeApi.Close(db));

        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.Close(db)));
        var closed = NativeApi.Flush(db, 0);
        Assert.Equal((ErrorKind.Closed, CloseReason.Clean), ((ErrorKind)closed.Kind, (CloseReason)closed.CloseReason));
        NativeResult.Free(&closed);
        byte* k = null;
        byte* v = null;
        nuint kl = 0, vl = 0;
        Assert.Equal(ErrorKind.Closed, Kind(NativeApi.IteratorNext(iterator, &present, &k, &kl, &v, &vl)));
        Ok(NativeApi.IteratorClose(iterator));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.IteratorClose(iterator)));
    }

    [Fact]
    public void Result_free_releases_the_message_and_resets_it()
    {
        var result = NativeApi.Flush(0, 0);
        Assert.Contains("NULL", result.MessageText, StringComparison.Ordinal);

        NativeApi.ResultFree(&result);
        NativeApi.ResultFree(&result);
        NativeApi.ResultFree(null);

        Assert.True(result.Message is null);
    }

    [Theory]
    [InlineData("{\"l0_sst_size_bytes\": 4096, \"l0_max_ssts\": 3, \"flush_interval_ms\": 25, \"compression_codec\": \"LZ4\", \"default_ttl_ms\": 1000, \"block_cache_data_bytes\": 1048576, \"wal_enabled\": false}")]
    [InlineData("  {\"l0_sst_size_bytes\": 4096, /* comments and trailing commas are fine */ \"l0_max_ssts\": 3, \"flush_interval_ms\": 25, \"compression_codec\": \"lz4\", \"default_ttl_ms\": 1000, \"block_cache_data_bytes\": 1048576, \"wal_enabled\": false,}")]
    public void Options_json_sets_the_named_options_and_keeps_the_other_defaults(string json)
    {
        var options = OptionsJson.Parse(json, null);

        Assert.Equal(4096, options.L0SstSizeBytes);
        Assert.Equal(3, options.L0MaxSsts);
        Assert.Equal(TimeSpan.FromMilliseconds(25), options.FlushInterval);
        Assert.Equal(CompressionCodec.Lz4, options.Compression);
        Assert.Equal(TimeSpan.FromSeconds(1), options.DefaultTtl);
        Assert.Equal(1048576, options.BlockCache.DataCapacityBytes);
        Assert.False(options.WalEnabled);
        Assert.Equal(new DbOptions().BlockSize, options.BlockSize);
    }

    [Theory]
    [InlineData(null, FormatLevel.Detect)]
    [InlineData("0.12", FormatLevel.SlateDb012)]
    [InlineData("0.13", FormatLevel.SlateDb013)]
    [InlineData("0.15", FormatLevel.SlateDb014)]
    public void Options_json_format_level_names_the_oldest_SlateDB_that_must_read_the_database(string? level, FormatLevel expected)
    {
        var json = level is null ? "{}" : $"{{\"format_level\": \"{level}\"}}";
        Assert.Equal(expected, OptionsJson.Parse(json, null).FormatLevel);
    }

    [Theory]
    [InlineData("{\"format_level\": \"0.11\"}")]
    [InlineData("{\"l0_sst_size\": 1}")]
    [InlineData("{\"compression_codec\": \"brotli\"}")]
    [InlineData("{\"block_size\": \"big\"}")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    [InlineData("{")]
    public void Bad_options_json_is_invalid(string json)
    {
        var error = Assert.Throws<SlateFastException>(() => OptionsJson.Parse(json, null));
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Wal_store_url_keeps_the_WAL_in_another_store_and_an_open_without_it_is_invalid()
    {
        var name = Guid.NewGuid().ToString("N");
        var main = Encoding.UTF8.GetBytes($"memory:///main-{name}\0");
        var options = Encoding.UTF8.GetBytes($"{{\"wal_store_url\": \"memory:///wal-{name}\"}}\0");
        nint db;
        fixed (byte* path = "db\0"u8, url = main, json = options)
        {
            Ok(NativeApi.Open(path, url, json, &db));
            Ok(Put(db, "k", "v", durable: true, out _));
            Ok(NativeApi.Close(db));

            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.Open(path, url, null, &db)));
            Ok(NativeApi.Open(path, url, json, &db));
        }

        try
        {
            Assert.Equal((true, "v"), Get(db, "k"));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }

        Assert.NotNull(OptionsJson.Parse($"{{\"wal_store_url\": \"memory:///wal-{name}\"}}", null).WalObjectStore);
        Assert.NotNull(ReaderOptionsJson.Parse($"{{\"wal_store_url\": \"memory:///wal-{name}\"}}", null).WalObjectStore);
    }

    [Fact]
    public void Exceptions_map_to_the_kinds_a_C_caller_can_act_on()
    {
        Assert.Equal(ErrorKind.Data, Kind(NativeResult.From(new SlateFastException(ErrorKind.Data, "corrupt"))));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeResult.From(new ArgumentException("bad"))));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeResult.From(new ObjectDisposedException("x"))));
        Assert.Equal(ErrorKind.Unavailable, Kind(NativeResult.From(new IOException("disk"))));
        Assert.Equal(ErrorKind.Internal, Kind(NativeResult.From(new NullReferenceException())));
        Assert.Equal(ErrorKind.Data, Kind(NativeResult.From(new AggregateException(new SlateFastException(ErrorKind.Data, "inner")))));
    }

    [Fact]
    public void The_log_callback_receives_events_of_databases_opened_while_it_is_set()
    {
        Volatile.Write(ref s_logged, 0);
        Ok(NativeApi.SetLogCallback(&OnLog, 2, null));
        nint db;
        try
        {
            db = Open();
        }
        finally
        {
            Ok(NativeApi.SetLogCallback(null, 6, null));
        }

        Ok(NativeApi.Close(db));
        Assert.True(Volatile.Read(ref s_logged) > 0);
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.SetLogCallback(&OnLog, 7, null)));
    }

    [UnmanagedCallersOnly]
    private static void OnLog(int level, byte* category, byte* message, void* userData)
    {
        if (level >= 2 && category is not null && message is not null)
        {
            Interlocked.Increment(ref s_logged);
        }
    }

    private static nint Open()
    {
        nint db;
        fixed (byte* path = "db\0"u8, url = "memory:///\0"u8)
        {
            Ok(NativeApi.Open(path, url, null, &db));
        }

        return db;
    }

    private static NativeResult Put(nint db, string key, string value, bool durable, out ulong seq)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var v = Encoding.UTF8.GetBytes(value);
        ulong s;
        NativeResult result;
        fixed (byte* kp = k, vp = v)
        {
            result = NativeApi.Put(db, kp, (nuint)k.Length, vp, (nuint)v.Length, null, durable ? WriteOptions.Default : WriteOptions.NoWait, &s);
        }

        seq = s;
        return result;
    }

    private static (bool Present, string? Value) Get(nint db, string key)
    {
        var k = Encoding.UTF8.GetBytes(key);
        byte present;
        byte* value;
        nuint length;
        fixed (byte* kp = k)
        {
            Ok(NativeApi.Get(db, kp, (nuint)k.Length, null, &present, &value, &length));
        }

        if (present == 0)
        {
            Assert.True(value is null);
            return (false, null);
        }

        var text = Encoding.UTF8.GetString(value, (int)length);
        NativeApi.BytesFree(value, length);
        return (true, text);
    }

    private static void Ok(NativeResult result)
    {
        var message = result.MessageText;
        NativeResult.Free(&result);
        Assert.True(result.Kind == 0, $"expected SF_OK, got {(ErrorKind)result.Kind}: {message}");
    }

    private static ErrorKind Kind(NativeResult result)
    {
        Assert.True(result.Kind == 0 || result.Message is not null, "an error carries a message");
        NativeResult.Free(&result);
        return (ErrorKind)result.Kind;
    }
}
