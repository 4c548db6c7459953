namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary>
    /// <c>sf_db_scan</c>: keys from <paramref name="start"/> (inclusive) to <paramref name="end"/>
    /// (exclusive); a NULL bound with length 0 is unbounded.
    /// </summary>
    public static NativeResult Scan(nint db, byte* start, nuint startLength, byte* end, nuint endLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() => DbScan(db, () => Range(start, startLength, end, endLength), options, outIterator));

    /// <summary><c>sf_db_scan_prefix</c>: the keys starting with <paramref name="prefix"/>.</summary>
    public static NativeResult ScanPrefix(nint db, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() => DbScan(db, () => PrefixRange(prefix, prefixLength), options, outIterator));

    // The range is made after the out-pointer is cleared, so a bad bound leaves it NULL.
    private static NativeResult DbScan(nint db, Func<KeyRange> range, NativeScanOptions* options, nint* outIterator)
    {
        RequireOut(outIterator, "out_iter");
        *outIterator = 0;
        var owner = Db(db);
        *outIterator = AddIterator(owner.Db.ScanAsync(range(), NativeOptionConversions.Scan(options)), owner);
        return NativeResult.Ok;
    }

    /// <summary>
    /// <c>sf_iterator_next</c>: the next row (key and value malloc'd, each freed with
    /// <c>sf_bytes_free</c>), or <c>*out_present == false</c> after the last.
    /// </summary>
    public static NativeResult IteratorNext(nint iterator, byte* outPresent, byte** outKey, nuint* outKeyLength, byte** outValue, nuint* outValueLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            ClearRowOuts(outPresent, outKey, outKeyLength, outValue, outValueLength);
            var native = Lookup<NativeIterator>(iterator, "sf_iterator_t");
            var row = native.Next();
            if (row is not null)
            {
                SetBytes(outKey, outKeyLength, row.Key);
                SetBytes(outValue, outValueLength, row.Value);
                *outPresent = 1;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary>
    /// <c>sf_iterator_next_borrowed</c>: the next row in the iterator's own buffer (valid until
    /// the next call on the iterator or its close; not freed by the caller), or
    /// <c>*out_present == false</c> after the last.
    /// </summary>
    public static NativeResult IteratorNextBorrowed(nint iterator, byte* outPresent, byte** outKey, nuint* outKeyLength, byte** outValue, nuint* outValueLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            ClearRowOuts(outPresent, outKey, outKeyLength, outValue, outValueLength);
            var native = Lookup<NativeIterator>(iterator, "sf_iterator_t");
            if (native.NextBorrowed(out var key, out var keyLength, out var value, out var valueLength))
            {
                *outKey = key;
                *outKeyLength = keyLength;
                *outValue = value;
                *outValueLength = valueLength;
                *outPresent = 1;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    // Both row steps: every out-pointer required, and "no row" until one is found.
    private static void ClearRowOuts(byte* outPresent, byte** outKey, nuint* outKeyLength, byte** outValue, nuint* outValueLength)
    {
        RequireOut(outPresent, "out_present");
        RequireOut(outKey, "out_key");
        RequireOut(outKeyLength, "out_key_len");
        RequireOut(outValue, "out_val");
        RequireOut(outValueLength, "out_val_len");
        *outPresent = 0;
        *outKey = null;
        *outKeyLength = 0;
        *outValue = null;
        *outValueLength = 0;
    }

    /// <summary><c>sf_iterator_seek</c>: the next row is the first at or after the key (at or before it in reverse).</summary>
    public static NativeResult IteratorSeek(nint iterator, byte* key, nuint keyLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            var native = Lookup<NativeIterator>(iterator, "sf_iterator_t");
            // Copied: an iterator is long-lived and may keep the seek key past this call.
            native.Seek(NativeMemoryView.Span(key, keyLength, "key").ToArray());

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_iterator_close</c>: also for an iterator its database, reader or transaction already closed; a second close is Invalid.</summary>
    public static NativeResult IteratorClose(nint iterator)
    {
        return NativeResult.Guard(() =>
        {
            FreeChild<NativeIterator>(iterator, "sf_iterator_t");
            return NativeResult.Ok;
        });
    }

    private static nint AddIterator(DbIterator iterator, NativeParent owner) => AddChild(new NativeIterator(iterator, owner));

    private static nint AddIterator(NativeIterator native) => AddChild(native);

    /// <summary>Puts a child in the handle table and registers it with its parent; closes it when either fails.</summary>
    internal static nint AddChild(INativeOwnedChild native)
    {
        try
        {
            native.Token = Handles.Add(native);
        }
        catch
        {
            native.Close();
            throw;
        }

        native.Owner.Adopt(native);
        return native.Token;
    }

    /// <summary>
    /// Frees a child's handle: the first free unregisters and closes it (also one its parent's close
    /// already closed); a second is Invalid.
    /// </summary>
    internal static void FreeChild<T>(nint token, string what)
        where T : class, INativeOwnedChild
    {
        var native = Handles.Free<T>(token, out var wasLive) ?? Lookup<T>(token, what);
        if (wasLive)
        {
            native.Owner.Release(native);
            native.Close();
        }
    }

    private static KeyRange Range(byte* start, nuint startLength, byte* end, nuint endLength)
    {
        var lower = start is null && startLength == 0 ? KeyBound.Unbounded : KeyBound.Included(NativeMemoryView.Span(start, startLength, "start"));
        var upper = end is null && endLength == 0 ? KeyBound.Unbounded : KeyBound.Excluded(NativeMemoryView.Span(end, endLength, "end"));
        return new KeyRange(lower, upper);
    }

    // Every *_scan_prefix: a NULL prefix with length 0 is every key.
    private static KeyRange PrefixRange(byte* prefix, nuint prefixLength) =>
        KeyRange.Prefix(NativeMemoryView.Span(prefix, prefixLength, "prefix"));
}
