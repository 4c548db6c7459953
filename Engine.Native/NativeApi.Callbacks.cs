namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary>
    /// <c>sf_db_open_with_callbacks</c>: <see cref="Open"/> with C callbacks for the merge operator,
    /// compaction filter and block transformer (NULL fields and a NULL struct: none).
    /// </summary>
    public static NativeResult OpenWithCallbacks(byte* path, byte* storeUrl, byte* optionsJson, NativeCallbacksStruct* callbacks, nint* outDb)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outDb, "out_db");
            *outDb = 0;
            var dbPath = NativeStrings.Read(path) ?? ThrowHelper.Invalid<string>("path must not be NULL");
            var url = NativeStrings.Read(storeUrl);
            var options = WithCallbacks(OptionsJson.Parse(NativeStrings.Read(optionsJson), NativeLoggerFactory.Instance), callbacks);
            var store = url is null ? ObjectStore.ObjectStores.Local(Environment.CurrentDirectory) : ObjectStore.ObjectStores.FromUrl(url);
            var db = Wait(DbHandle.OpenAsync(dbPath, store, options));
            *outDb = Handles.Add(new NativeDb(db));
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_db_compact</c>: every L0 SST and sorted run into one run, now.</summary>
    public static NativeResult Compact(nint db)
    {
        return NativeResult.Guard(() =>
        {
            Wait(Db(db).Db.CompactAsync());
            return NativeResult.Ok;
        });
    }

    internal static DbOptions WithCallbacks(DbOptions options, NativeCallbacksStruct* callbacks)
    {
        if (callbacks is null)
        {
            return options;
        }

        if (callbacks->Merge is not null)
        {
            if (options.MergeOperator is not null)
            {
                ThrowHelper.Invalid("set either options_json \"merge_operator\" or sf_callbacks_t.merge, not both");
            }

            options = options with { MergeOperator = new NativeMergeOperator(NativeStrings.Read(callbacks->MergeOperatorName) ?? "c-merge", callbacks->Merge, callbacks->MergeUserData) };
        }

        if (callbacks->CompactionFilter is not null)
        {
            options = options with { CompactionFilter = new NativeCompactionFilterSupplier(callbacks->CompactionFilter, callbacks->CompactionFilterUserData) };
        }

        if ((callbacks->BlockEncode is null) != (callbacks->BlockDecode is null))
        {
            ThrowHelper.Invalid("sf_callbacks_t.block_encode and block_decode must be set together");
        }

        if (callbacks->BlockEncode is not null)
        {
            options = options with { BlockTransformer = new NativeBlockTransformer(callbacks->BlockEncode, callbacks->BlockDecode, callbacks->BlockTransformerUserData) };
        }

        return options;
    }
}
