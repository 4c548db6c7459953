namespace SlateFast.Tests.Interop.Db;

/// <summary>
/// What a database must contain after a sequence of writes: the newest row of each key, with the
/// sequence number and timestamps its writer reported, so a scan by the other engine can be
/// compared row for row (seq, create_ts and expire_ts included).
/// </summary>
internal sealed class DbModel
{
    private readonly SortedDictionary<byte[], SlateDbRow?> _rows = new(ByteArrayComparer.Instance);

    public static DbModel From(IEnumerable<SlateDbRow> rows)
    {
        var model = new DbModel();
        foreach (var row in rows)
        {
            model._rows[row.Key] = row;
        }

        return model;
    }

    /// <summary>Keys currently holding a value.</summary>
    public IReadOnlyList<byte[]> LiveKeys => [.. _rows.Where(r => r.Value is not null).Select(r => r.Key)];

    /// <summary>Keys whose newest row is a tombstone.</summary>
    public IReadOnlyList<byte[]> DeletedKeys => [.. _rows.Where(r => r.Value is null).Select(r => r.Key)];

    /// <summary>The live rows in key order: what a full scan must return.</summary>
    public IReadOnlyList<SlateDbRow> Rows => [.. _rows.Values.OfType<SlateDbRow>()];

    public void Put(byte[] key, byte[] value, WriteHandle handle, long? expireTs = null) =>
        _rows[key] = new SlateDbRow(key, value, handle.Seq, handle.CreateTs, expireTs);

    public void Delete(byte[] key) => _rows[key] = null;
}
