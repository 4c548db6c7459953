using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SlateFast.Native;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Native;

/// <summary>The managed layer of the checkpoint, reader and ingestion exports, and the options JSON they take.</summary>
public sealed unsafe class NativeCheckpointApiTests
{
    [Fact]
    public void A_checkpoint_id_is_written_as_a_NUL_terminated_UUID_and_a_reader_opens_at_it()
    {
        using var tmp = new TempFolder("cabi-checkpoint");
        var url = "file://" + tmp.Path;
        var db = NativeCalls.Open(url);
        try
        {
            NativeCalls.Put(db, "k", "before");
            var id = new byte[NativeApi.CheckpointIdLength];
            ulong manifest;
            fixed (byte* idp = id, name = "tag\0"u8)
            {
                Ok(NativeApi.CreateCheckpoint(db, 0, 0, name, idp, &manifest));
            }

            var text = Encoding.ASCII.GetString(id, 0, 36);
            Assert.Equal(0, id[36]);
            Assert.True(Guid.TryParseExact(text, "D", out _), text);
            NativeCalls.Put(db, "k", "after");

            var listed = ListCheckpoints(db);
            Assert.Equal(text, listed[0].GetProperty("id").GetString());
            Assert.Equal("tag", listed[0].GetProperty("name").GetString());
            Assert.Equal(manifest, listed[0].GetProperty("manifest_id").GetUInt64());
            Assert.Equal(JsonValueKind.Null, listed[0].GetProperty("expire_time_s").ValueKind);

            var reader = OpenReader(url, $"{{\"checkpoint_id\": \"{text}\"}}");
            try
            {
                Assert.Equal("before", ReaderGet(reader, "k"));
            }
            finally
            {
                Ok(NativeApi.ReaderClose(reader));
            }

            Assert.Equal(ErrorKind.Invalid, NativeCalls.Kind(NativeApi.ReaderClose(reader)));
            byte found;
            fixed (byte* idp = id)
            {
                Ok(NativeApi.DeleteCheckpoint(db, idp, &found));
            }

            Assert.Equal(1, found);
            Assert.Empty(ListCheckpoints(db));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }
    }

    [Theory]
    [InlineData("{\"mode\": \"follow_latest\", \"manifest_poll_interval_ms\": 500, \"checkpoint_lifetime_ms\": 5000, \"max_memtable_bytes\": 8192, \"skip_wal_replay\": true, \"block_cache_data_bytes\": 4096}")]
    public void Reader_options_json_sets_the_named_options(string json)
    {
        var options = ReaderOptionsJson.Parse(json, null);

        Assert.Equal(DbReaderMode.FollowLatest, options.Mode);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ManifestPollInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CheckpointLifetime);
        Assert.Equal(8192, options.MaxMemtableBytes);
        Assert.True(options.SkipWalReplay);
        Assert.Equal(4096, options.BlockCache.DataCapacityBytes);
    }

    [Fact]
    public void A_checkpoint_id_in_reader_options_selects_that_checkpoint()
    {
        var id = Guid.NewGuid();

        var options = ReaderOptionsJson.Parse($"{{\"checkpoint_id\": \"{id}\"}}", null);

        Assert.Equal(id, options.CheckpointId);
        Assert.Null(options.Mode);
    }

    [Theory]
    [InlineData("{\"mode\": \"latest\"}")]
    [InlineData("{\"checkpoint_id\": \"12345\"}")]
    [InlineData("{\"poll\": 1}")]
    [InlineData("null")]
    public void Bad_reader_options_json_is_invalid(string json)
    {
        var error = Assert.Throws<SlateFastException>(() => ReaderOptionsJson.Parse(json, null));
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Options_json_names_the_merge_operator()
    {
        Assert.Same(MergeOperators.Concat, OptionsJson.Parse("{\"merge_operator\": \"concat\"}", null).MergeOperator);
        Assert.Null(OptionsJson.Parse(null, null).MergeOperator);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => OptionsJson.Parse("{\"merge_operator\": \"sum\"}", null)).Kind);
    }

    [Fact]
    public void Checkpoints_json_lists_expiry_and_name_as_null_when_absent()
    {
        var id = Guid.NewGuid();
        var created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        var json = Encoding.UTF8.GetString(NativeApi.CheckpointsJson([new CheckpointInfo(id, 7, null, created, null), new CheckpointInfo(id, 8, created.AddHours(1), created, "n")]));

        Assert.Equal(
            $"[{{\"id\":\"{id}\",\"manifest_id\":7,\"create_time_s\":1700000000,\"expire_time_s\":null,\"name\":null}},"
            + $"{{\"id\":\"{id}\",\"manifest_id\":8,\"create_time_s\":1700000000,\"expire_time_s\":1700003600,\"name\":\"n\"}}]",
            json);
    }

    [Fact]
    public void Ingest_rejects_NULL_paths_and_reports_nothing_changed()
    {
        var db = NativeCalls.Open();
        try
        {
            ulong seq = 5;
            Assert.Equal(ErrorKind.Invalid, NativeCalls.Kind(NativeApi.Ingest(db, null, 1, &seq)));
            Assert.Equal(0UL, seq);
            var paths = stackalloc byte*[1];
            paths[0] = null;
            Assert.Equal(ErrorKind.Invalid, NativeCalls.Kind(NativeApi.Ingest(db, paths, 1, null)));
            Assert.Equal(ErrorKind.Invalid, NativeCalls.Kind(NativeApi.Ingest(db, paths, 0, null)));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }
    }

    private static JsonElement[] ListCheckpoints(nint db)
    {
        byte* json;
        Ok(NativeApi.ListCheckpoints(db, &json));
        try
        {
            return [.. JsonDocument.Parse(Marshal.PtrToStringUTF8((nint)json)!).RootElement.EnumerateArray()];
        }
        finally
        {
            NativeApi.StringFree(json);
        }
    }

    private static nint OpenReader(string url, string options)
    {
        var u = Encoding.UTF8.GetBytes(url + "\0");
        var o = Encoding.UTF8.GetBytes(options + "\0");
        nint reader;
        fixed (byte* path = "db\0"u8, up = u, op = o)
        {
            Ok(NativeApi.ReaderOpen(path, up, op, &reader));
        }

        return reader;
    }

    private static string? ReaderGet(nint reader, string key)
    {
        var k = Encoding.UTF8.GetBytes(key);
        byte present;
        byte* value;
        nuint length;
        fixed (byte* kp = k)
        {
            Ok(NativeApi.ReaderGet(reader, kp, (nuint)k.Length, null, &present, &value, &length));
        }

        return NativeCalls.Take(present, value, length);
    }

    private static void Ok(NativeResult result) => NativeCalls.Ok(result);
}
