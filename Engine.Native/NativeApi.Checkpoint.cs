using System.Buffers;
using System.Text.Json;

namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary>Bytes of a checkpoint id as C receives it: 36 characters of the canonical UUID form and a NUL.</summary>
    internal const int CheckpointIdLength = 37;

    /// <summary>
    /// <c>sf_db_create_checkpoint</c>: the id goes into the caller's buffer of
    /// <see cref="CheckpointIdLength"/> bytes as a lowercase UUID string.
    /// </summary>
    public static NativeResult CreateCheckpoint(nint db, int scope, long lifetimeMs, byte* name, byte* outId, ulong* outManifestId)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outId, "out_id");
            *outId = 0;
            if (outManifestId is not null)
            {
                *outManifestId = 0;
            }

            var options = new CheckpointOptions { Lifetime = NativeOptionConversions.Lifetime(lifetimeMs), Name = NativeStrings.Read(name) };
            var checkpointScope = NativeOptionConversions.Scope(scope);
            var created = Wait(Db(db).Db.CreateCheckpointAsync(checkpointScope, options));
            WriteCheckpointId(created.Id, outId);
            if (outManifestId is not null)
            {
                *outManifestId = created.ManifestId;
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_db_refresh_checkpoint</c>: expires <paramref name="lifetimeMs"/> from now (0: never). A missing checkpoint is Invalid.</summary>
    public static NativeResult RefreshCheckpoint(nint db, byte* id, long lifetimeMs)
    {
        return NativeResult.Guard(() =>
        {
            var target = Db(db).Db;
            var checkpoint = ReadCheckpointId(id);
            var lifetime = NativeOptionConversions.Lifetime(lifetimeMs);
            Wait(target.RefreshCheckpointAsync(checkpoint, lifetime));
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_db_delete_checkpoint</c>: deleting a missing checkpoint succeeds with <c>*out_found</c> false.</summary>
    public static NativeResult DeleteCheckpoint(nint db, byte* id, byte* outFound)
    {
        return NativeResult.Guard(() =>
        {
            if (outFound is not null)
            {
                *outFound = 0;
            }

            var target = Db(db).Db;
            var checkpoint = ReadCheckpointId(id);
            var found = Wait(target.DeleteCheckpointAsync(checkpoint));
            if (outFound is not null)
            {
                *outFound = found ? (byte)1 : (byte)0;
            }

            return NativeResult.Ok;
        });
    }

    /// <summary>
    /// <c>sf_db_list_checkpoints</c>: a JSON array of objects with id, manifest_id,
    /// create_time_s, expire_time_s (null: never) and name (null: none), freed with <c>sf_string_free</c>.
    /// </summary>
    public static NativeResult ListCheckpoints(nint db, byte** outJson)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outJson, "out_json");
            *outJson = null;
            var checkpoints = Wait(Db(db).Db.ListCheckpointsAsync());
            *outJson = CopyWithNul(CheckpointsJson(checkpoints));
            return NativeResult.Ok;
        });
    }

    /// <summary>The JSON <c>sf_db_list_checkpoints</c> hands out.</summary>
    internal static ReadOnlySpan<byte> CheckpointsJson(IReadOnlyList<CheckpointInfo> checkpoints)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var c in checkpoints)
            {
                json.WriteStartObject();
                json.WriteString("id", c.Id.ToString("D"));
                json.WriteNumber("manifest_id", c.ManifestId);
                json.WriteNumber("create_time_s", c.CreateTime.ToUnixTimeSeconds());
                if (c.ExpireTime is { } expire)
                {
                    json.WriteNumber("expire_time_s", expire.ToUnixTimeSeconds());
                }
                else
                {
                    json.WriteNull("expire_time_s");
                }

                if (c.Name is { } name)
                {
                    json.WriteString("name", name);
                }
                else
                {
                    json.WriteNull("name");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan;
    }

    /// <summary>A checkpoint id in the canonical 36-character form (hyphens, any case); anything else is Invalid.</summary>
    internal static Guid ParseCheckpointId(string text) =>
        Guid.TryParseExact(text, "D", out var id) ? id : ThrowHelper.Invalid<Guid>($"\"{text}\" is not a checkpoint id (expected the 36-character UUID form)");

    private static Guid ReadCheckpointId(byte* id) => ParseCheckpointId(NativeStrings.Read(id) ?? ThrowHelper.Invalid<string>("id must not be NULL"));

    private static void WriteCheckpointId(Guid id, byte* destination)
    {
        var span = new Span<byte>(destination, CheckpointIdLength);
        id.TryFormat(span, out var written, "D");
        span[written] = 0;
    }

    /// <summary><c>sf_db_ingest</c>: SSTs at object paths on the database's store, added atomically under one sequence number.</summary>
    public static NativeResult Ingest(nint db, byte** paths, nuint count, ulong* outSeq)
    {
        return NativeResult.Guard(() =>
        {
            if (outSeq is not null)
            {
                *outSeq = 0;
            }

            if (paths is null && count != 0)
            {
                ThrowHelper.Invalid($"paths is NULL but count is {count}");
            }

            if (count > int.MaxValue)
            {
                ThrowHelper.Invalid($"count {count} is too large");
            }

            var files = new string[(int)count];
            for (var i = 0; i < files.Length; i++)
            {
                files[i] = NativeStrings.Read(paths[i]) ?? ThrowHelper.Invalid<string>($"paths[{i}] is NULL");
            }

            var result = Wait(Db(db).Db.IngestAsync(files));
            if (outSeq is not null)
            {
                *outSeq = result.Seq;
            }

            return NativeResult.Ok;
        });
    }
}
