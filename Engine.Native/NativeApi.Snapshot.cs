namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_db_snapshot</c>: a consistent view at the current sequence number.</summary>
    public static NativeResult Snapshot(nint db, nint* outSnapshot)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outSnapshot, "out_snapshot");
            *outSnapshot = 0;
            var owner = Db(db);
            var native = new NativeSnapshot(owner.Db.Snapshot(), owner);
            native.Token = Handles.Add(native);
            owner.Adopt(native);
            *outSnapshot = native.Token;
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_reader_snapshot</c>: a view of what the reader shows now that stays as it is while the reader moves on.</summary>
    public static NativeResult ReaderSnapshot(nint reader, nint* outSnapshot)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outSnapshot, "out_snapshot");
            *outSnapshot = 0;
            var owner = Reader(reader);
            var native = new NativeSnapshot(Wait(owner.Reader.SnapshotAsync()), owner);
            try
            {
                native.Token = Handles.Add(native);
            }
            catch
            {
                native.Dispose();
                throw;
            }

            owner.Adopt(native);
            *outSnapshot = native.Token;
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_snapshot_get</c>.</summary>
    public static NativeResult SnapshotGet(nint snapshot, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            RequireOut(outPresent, "out_present");
            RequireOut(outValue, "out_val");
            RequireOut(outValueLength, "out_val_len");
            *outPresent = 0;
            *outValue = null;
            *outValueLength = 0;
            var native = Lookup<NativeSnapshot>(snapshot, "sf_snapshot_t");
            var value = Wait(native.GetAsync(NativeMemoryView.Key(key, keyLength), NativeOptionConversions.Read(options)));
            if (value is not null)
            {
                SetBytes(outValue, outValueLength, value);
                *outPresent = 1;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_snapshot_scan</c>: like <c>sf_db_scan</c> as of the snapshot.</summary>
    public static NativeResult SnapshotScan(nint snapshot, byte* start, nuint startLength, byte* end, nuint endLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() => SnapshotScan(snapshot, () => Range(start, startLength, end, endLength), options, outIterator));

    /// <summary><c>sf_snapshot_scan_prefix</c>: like <c>sf_db_scan_prefix</c> as of the snapshot.</summary>
    public static NativeResult SnapshotScanPrefix(nint snapshot, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() => SnapshotScan(snapshot, () => PrefixRange(prefix, prefixLength), options, outIterator));

    private static NativeResult SnapshotScan(nint snapshot, Func<KeyRange> range, NativeScanOptions* options, nint* outIterator)
    {
        RequireOut(outIterator, "out_iter");
        *outIterator = 0;
        var native = Lookup<NativeSnapshot>(snapshot, "sf_snapshot_t");
        *outIterator = AddIterator(native.ScanAsync(range(), NativeOptionConversions.Scan(options)), native.Owner);
        return NativeResult.Ok;
    }

    /// <summary><c>sf_snapshot_close</c>: releases the versions the snapshot pins; a second close is Invalid.</summary>
    public static NativeResult SnapshotClose(nint snapshot)
    {
        return NativeResult.Guard(() =>
        {
            var native = Handles.Free<NativeSnapshot>(snapshot, out var wasLive) ?? Lookup<NativeSnapshot>(snapshot, "sf_snapshot_t");
            if (wasLive)
            {
                native.Owner.Release(native);
                native.Dispose();
            }

            return NativeResult.Ok;
        });
    }
}
