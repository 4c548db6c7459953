using System.Text.Json;

namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_db_drop_segment</c>: drops a segment of a segmented database; out_dropped false when there was none.</summary>
    public static NativeResult DropSegment(nint db, byte* prefix, nuint prefixLength, byte* outDropped)
    {
        return NativeResult.Guard(() =>
        {
            if (outDropped is not null)
            {
                *outDropped = 0;
            }

            if (prefix is null || prefixLength == 0)
            {
                ThrowHelper.Invalid("prefix: a segment prefix is not empty");
            }

            var dropped = Wait(Db(db).Db.DropSegmentAsync(new ReadOnlySpan<byte>(prefix, checked((int)prefixLength)).ToArray()));
            if (outDropped is not null)
            {
                *outDropped = dropped ? (byte)1 : (byte)0;
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_db_list_segments</c>: a JSON array of the segment prefixes in hex, ascending.</summary>
    public static NativeResult ListSegments(nint db, byte** outJson)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outJson, "out_json");
            *outJson = null;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                foreach (var segment in Db(db).Db.ListSegments())
                {
                    json.WriteStringValue(Convert.ToHexString(segment));
                }

                json.WriteEndArray();
            }

            *outJson = CopyWithNul(buffer.WrittenSpan);
            return NativeResult.Ok;
        });
    }
}
