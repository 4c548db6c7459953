namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_reader_open</c>: a read-only view that never fences the writer; a NULL store URL is the local store in the current directory.</summary>
    public static NativeResult ReaderOpen(byte* path, byte* storeUrl, byte* optionsJson, nint* outReader) =>
        ReaderOpenWithCallbacks(path, storeUrl, optionsJson, null, outReader);

    /// <summary>
    /// <c>sf_reader_open_with_callbacks</c>: <see cref="ReaderOpen"/> with the database's C merge
    /// operator and block transformer (a reader compacts nothing, so a compaction filter is misuse).
    /// </summary>
    public static NativeResult ReaderOpenWithCallbacks(byte* path, byte* storeUrl, byte* optionsJson, NativeCallbacksStruct* callbacks, nint* outReader)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outReader, "out_reader");
            *outReader = 0;
            var dbPath = NativeStrings.Read(path) ?? ThrowHelper.Invalid<string>("path must not be NULL");
            var url = NativeStrings.Read(storeUrl);
            var options = ReaderOptionsJson.Parse(NativeStrings.Read(optionsJson), NativeLoggerFactory.Instance);
            if (callbacks is not null)
            {
                if (callbacks->CompactionFilter is not null)
                {
                    ThrowHelper.Invalid("sf_callbacks_t.compaction_filter: a reader compacts nothing; leave it NULL");
                }

                // One conversion of the struct: the writer's, whose merge operator and transformer a reader takes as they are.
                var converted = WithCallbacks(new DbOptions { MergeOperator = options.MergeOperator, BlockTransformer = options.BlockTransformer }, callbacks);
                options = options with { MergeOperator = converted.MergeOperator, BlockTransformer = converted.BlockTransformer };
            }

            var store = url is null ? ObjectStore.ObjectStores.Local(Environment.CurrentDirectory) : ObjectStore.ObjectStores.FromUrl(url);
            var reader = Wait(DbReader.OpenAsync(dbPath, store, options));
            try
            {
                *outReader = Handles.Add(new NativeReader(reader));
            }
            catch
            {
                Wait(reader.DisposeAsync());
                throw;
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_reader_get</c>: the value in malloc'd memory, as <see cref="Get"/>.</summary>
    public static NativeResult ReaderGet(nint reader, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            ClearGetOutputs(outPresent, outValue, outValueLength);
            return GetMalloced(new ReaderValues(Reader(reader).Reader), key, keyLength, options, outPresent, outValue, outValueLength);
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    internal readonly struct ReaderValues(DbReader reader) : IValueSource
    {
        public ValueTask<bool> TryGetAsync(ReadOnlyMemory<byte> key, System.Buffers.IBufferWriter<byte> destination, ReadOptions? options) => reader.TryGetAsync(key, destination, options);
    }

    /// <summary><c>sf_reader_scan</c>: an iterator that closes with the reader.</summary>
    public static NativeResult ReaderScan(nint reader, byte* start, nuint startLength, byte* end, nuint endLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() => ReaderScan(reader, () => Range(start, startLength, end, endLength), options, outIterator));

    /// <summary><c>sf_reader_scan_prefix</c>: the keys starting with the prefix, as <c>sf_reader_scan</c>.</summary>
    public static NativeResult ReaderScanPrefix(nint reader, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() => ReaderScan(reader, () => PrefixRange(prefix, prefixLength), options, outIterator));

    private static NativeResult ReaderScan(nint reader, Func<KeyRange> range, NativeScanOptions* options, nint* outIterator)
    {
        RequireOut(outIterator, "out_iter");
        *outIterator = 0;
        var owner = Reader(reader);
        *outIterator = AddIterator(owner.Reader.ScanAsync(range(), NativeOptionConversions.Scan(options)), owner);
        return NativeResult.Ok;
    }

    /// <summary><c>sf_reader_refresh</c>: polls for a newer manifest and WAL now (nothing at a fixed checkpoint).</summary>
    public static NativeResult ReaderRefresh(nint reader)
    {
        return NativeResult.Guard(() =>
        {
            Wait(Reader(reader).Reader.RefreshAsync());
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_reader_close</c>: stops polling, deletes a managed checkpoint, closes the reader's iterators; a second close is Invalid.</summary>
    public static NativeResult ReaderClose(nint reader)
    {
        return NativeResult.Guard(() =>
        {
            var native = Handles.TryGet<NativeReader>(reader, out var target) switch
            {
                HandleState.Live => target,
                HandleState.Closed => ThrowHelper.Invalid<NativeReader>($"the sf_reader_t handle 0x{reader:x} is already closed"),
                _ => Reader(reader),
            };
            if (!Handles.Retire(reader, native, reusable: true))
            {
                ThrowHelper.Invalid($"the sf_reader_t handle 0x{reader:x} is already closed");
            }

            native.CloseChildren();
            Wait(native.Reader.DisposeAsync());
            return NativeResult.Ok;
        });
    }

    private static NativeReader Reader(nint token) => Lookup<NativeReader>(token, "sf_reader_t");
}
