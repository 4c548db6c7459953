using SlateFast.Format.FlatBuffers;
using SlateFast.Sst;

namespace SlateFast.Manifest;

/// <summary>
/// Reading and writing the small tables manifests and compactions files share (Ulid, Uuid,
/// BytesRange, CompactedSsTable, Checkpoint, ExternalDb). Writers create children in the order
/// SlateDB 0.12 does and add fields widest first, last field first within a width (the order
/// generated Rust <c>create</c> functions use), so the bytes match SlateDB's.
/// </summary>
internal static class ManifestTables
{
    public static Ulid ReadUlid(FlatTable t) => new(t.GetU64(0), t.GetU64(1));

    public static Uuid ReadUuid(FlatTable t) => new(t.GetU64(0), t.GetU64(1));

    public static int WriteUlid(FlatBufferBuilder b, Ulid id) => WritePair(b, id.High, id.Low);

    public static int WriteUuid(FlatBufferBuilder b, Uuid id) => WritePair(b, id.High, id.Low);

    public static BytesRange ReadRange(FlatTable t) => new(ReadBound(t.GetTable(0)), ReadBound(t.GetTable(1)));

    public static int WriteRange(FlatBufferBuilder b, BytesRange range)
    {
        int start = WriteBound(b, range.Start);
        int end = WriteBound(b, range.End);
        int table = b.StartTable();
        b.AddOffset(1, end);
        b.AddOffset(0, start);
        return b.EndTable(table);
    }

    /// <summary>Reads a <c>CompactedSsTable</c> (or V2: <paramref name="formatVersionField"/> = 2) entry.</summary>
    public static CompactedSst ReadCompactedSst(FlatTable t, int formatVersionField) =>
        new(
            ReadUlid(t.GetTable(0)),
            SsTableInfoCodec.Read(t.GetTable(1)),
            t.GetOptionalU16(formatVersionField) ?? CompactedSst.DefaultFormatVersion);

    /// <summary>Writes a V1 <c>CompactedSsTable</c> (id, info, optional visible range, format version).</summary>
    public static int WriteCompactedSst(FlatBufferBuilder b, CompactedSst sst, BytesRange? visibleRange)
    {
        int id = WriteUlid(b, sst.Id);
        int info = SsTableInfoCodec.Write(b, sst.Info);
        int range = visibleRange is null ? 0 : WriteRange(b, visibleRange);
        int table = b.StartTable();
        if (range != 0)
        {
            b.AddOffset(2, range);
        }

        b.AddOffset(1, info);
        b.AddOffset(0, id);
        b.AddU16Always(3, sst.FormatVersion);
        return b.EndTable(table);
    }

    public static Checkpoint ReadCheckpoint(FlatTable t) =>
        new(ReadUuid(t.GetTable(0)), t.GetU64(1), t.GetU32(2), t.GetU32(3), t.GetString(6));

    public static int WriteCheckpoint(FlatBufferBuilder b, Checkpoint checkpoint)
    {
        int id = WriteUuid(b, checkpoint.Id);
        int name = checkpoint.Name is null ? 0 : b.CreateString(checkpoint.Name);
        int table = b.StartTable();
        b.AddU64(1, checkpoint.ManifestId);
        if (name != 0)
        {
            b.AddOffset(6, name);
        }

        b.AddU32(3, checkpoint.CreateTimeSeconds);
        b.AddU32(2, checkpoint.ExpireTimeSeconds);
        b.AddOffset(0, id);
        return b.EndTable(table);
    }

    public static ExternalDb ReadExternalDb(FlatTable t)
    {
        var ids = t.GetTableVector(3);
        var sstIds = new Ulid[ids.Count];
        for (int i = 0; i < sstIds.Length; i++)
        {
            sstIds[i] = ReadUlid(ids[i]);
        }

        Uuid? final = t.TryGetTable(2, out var f) ? ReadUuid(f) : null;
        return new ExternalDb(t.GetString(0)!, ReadUuid(t.GetTable(1)), final, [.. sstIds]);
    }

    public static int WriteExternalDb(FlatBufferBuilder b, ExternalDb db)
    {
        int path = b.CreateString(db.Path);
        int source = WriteUuid(b, db.SourceCheckpointId);
        int final = db.FinalCheckpointId is { } f ? WriteUuid(b, f) : 0;
        var ids = new int[db.SstIds.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = WriteUlid(b, db.SstIds[i]);
        }

        int sstIds = b.CreateOffsetVector(ids);
        int table = b.StartTable();
        b.AddOffset(3, sstIds);
        if (final != 0)
        {
            b.AddOffset(2, final);
        }

        b.AddOffset(1, source);
        b.AddOffset(0, path);
        return b.EndTable(table);
    }

    private static BytesBound ReadBound(FlatTable t)
    {
        sbyte type = t.GetI8(1);
        bool hasKey = t.TryGetBytes(0, out var key);
        return (type, hasKey) switch
        {
            ((sbyte)BoundKind.Included, true) => BytesBound.Included(key.ToArray()),
            ((sbyte)BoundKind.Excluded, true) => BytesBound.Excluded(key.ToArray()),
            ((sbyte)BoundKind.Unbounded, false) => BytesBound.Unbounded,
            _ => ThrowHelper.Data<BytesBound>($"BytesBound with bound_type {type} {(hasKey ? "and" : "without")} a key is not a valid bound"),
        };
    }

    private static int WriteBound(FlatBufferBuilder b, BytesBound bound)
    {
        int key = bound.Kind == BoundKind.Unbounded ? 0 : b.CreateByteVector(bound.Key.Span);
        int table = b.StartTable();
        if (key != 0)
        {
            b.AddOffset(0, key);
        }

        b.AddI8(1, (sbyte)bound.Kind);
        return b.EndTable(table);
    }

    private static int WritePair(FlatBufferBuilder b, ulong high, ulong low)
    {
        int table = b.StartTable();
        b.AddU64(1, low);
        b.AddU64(0, high);
        return b.EndTable(table);
    }
}
