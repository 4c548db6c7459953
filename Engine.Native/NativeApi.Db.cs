using System.Buffers;
using System.Text.Json;

namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_db_open</c>: a NULL store URL means the local store rooted at the current directory.</summary>
    public static NativeResult Open(byte* path, byte* storeUrl, byte* optionsJson, nint* outDb)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outDb, "out_db");
            *outDb = 0;
            var dbPath = NativeStrings.Read(path) ?? ThrowHelper.Invalid<string>("path must not be NULL");
            var url = NativeStrings.Read(storeUrl);
            var options = OptionsJson.Parse(NativeStrings.Read(optionsJson), NativeLoggerFactory.Instance);
            var store = url is null ? ObjectStore.ObjectStores.Local(Environment.CurrentDirectory) : ObjectStore.ObjectStores.FromUrl(url);
            var db = Wait(DbHandle.OpenAsync(dbPath, store, options));
            *outDb = Handles.Add(new NativeDb(db));
            return NativeResult.Ok;
        });
    }

    /// <summary>
    /// <c>sf_db_close</c>: writes buffered WAL rows and a final manifest, closes the database's
    /// iterators and snapshots, and retires the handle whatever the outcome. A second close is Invalid.
    /// </summary>
    public static NativeResult Close(nint db)
    {
        return NativeResult.Guard(() =>
        {
            var native = Handles.TryGet<NativeDb>(db, out var target) switch
            {
                HandleState.Live => target,
                HandleState.Closed => ThrowHelper.Invalid<NativeDb>($"the sf_db_t handle 0x{db:x} is already closed"),
                _ => Db(db),
            };
            if (!Handles.Retire(db, native, reusable: true))
            {
                ThrowHelper.Invalid($"the sf_db_t handle 0x{db:x} is already closed");
            }

            native.CloseChildren();
            Wait(native.Db.CloseAsync());
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_db_put</c> and <c>sf_db_put_with_options</c>.</summary>
    public static NativeResult Put(nint db, byte* key, nuint keyLength, byte* value, nuint valueLength, NativePutOptions* putOptions, WriteOptions writeOptions, ulong* outSeq)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            if (outSeq is not null)
            {
                *outSeq = 0;
            }

            var handle = Wait(Db(db).Db.PutAsync(NativeMemoryView.Key(key, keyLength), NativeMemoryView.Value(value, valueLength), NativeOptionConversions.Put(putOptions), writeOptions));
            if (outSeq is not null)
            {
                *outSeq = handle.Seq;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_db_merge</c>.</summary>
    public static NativeResult Merge(nint db, byte* key, nuint keyLength, byte* operand, nuint operandLength, NativePutOptions* putOptions, NativeWriteOptions* writeOptions, ulong* outSeq)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            if (outSeq is not null)
            {
                *outSeq = 0;
            }

            var handle = Wait(Db(db).Db.MergeAsync(NativeMemoryView.Key(key, keyLength), NativeMemoryView.Value(operand, operandLength, "operand"), NativeOptionConversions.Put(putOptions), NativeOptionConversions.Write(writeOptions)));
            if (outSeq is not null)
            {
                *outSeq = handle.Seq;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_db_delete</c> and <c>sf_db_delete_with_options</c>.</summary>
    public static NativeResult Delete(nint db, byte* key, nuint keyLength, WriteOptions writeOptions, ulong* outSeq)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            if (outSeq is not null)
            {
                *outSeq = 0;
            }

            var handle = Wait(Db(db).Db.DeleteAsync(NativeMemoryView.Key(key, keyLength), writeOptions));
            if (outSeq is not null)
            {
                *outSeq = handle.Seq;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_db_write</c>: applies a batch atomically; the batch stays usable (and must still be freed).</summary>
    public static NativeResult Write(nint db, nint batch, NativeWriteOptions* writeOptions, ulong* outSeq)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            if (outSeq is not null)
            {
                *outSeq = 0;
            }

            var target = Db(db).Db;
            var native = Lookup<NativeBatch>(batch, "sf_write_batch_t");
            ValueTask<WriteHandle> pending;
            lock (native.Gate)
            {
                // The engine copies the batch's rows before its first await.
                pending = target.WriteAsync(native.Batch, NativeOptionConversions.Write(writeOptions));
            }

            var handle = Wait(pending);
            if (outSeq is not null)
            {
                *outSeq = handle.Seq;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_db_get</c> and <c>sf_db_get_with_options</c>: the value in malloc'd memory the caller frees with <c>sf_bytes_free</c>.</summary>
    public static NativeResult Get(nint db, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            ClearGetOutputs(outPresent, outValue, outValueLength);
            return GetMalloced(new DbValues(Db(db).Db), key, keyLength, options, outPresent, outValue, outValueLength);
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary>A point read of whatever handle kind a get export serves (a struct, so nothing is allocated per call).</summary>
    internal interface IValueSource
    {
        ValueTask<bool> TryGetAsync(ReadOnlyMemory<byte> key, System.Buffers.IBufferWriter<byte> destination, ReadOptions? options);
    }

    internal readonly struct DbValues(DbHandle db) : IValueSource
    {
        public ValueTask<bool> TryGetAsync(ReadOnlyMemory<byte> key, System.Buffers.IBufferWriter<byte> destination, ReadOptions? options) => db.TryGetAsync(key, destination, options);
    }

    // Outputs are set on entry, before the handle is even looked up, so a caller never reads stale ones.
    internal static void ClearGetOutputs(byte* outPresent, byte** outValue, nuint* outValueLength)
    {
        RequireOut(outPresent, "out_present");
        RequireOut(outValue, "out_val");
        RequireOut(outValueLength, "out_val_len");
        *outPresent = 0;
        *outValue = null;
        *outValueLength = 0;
    }

    // The shared body of the gets that hand out malloc'd memory (after ClearGetOutputs): the value
    // written straight into malloc'd memory, ownership passed to the caller only on success.
    internal static NativeResult GetMalloced<TSource>(TSource source, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength)
        where TSource : struct, IValueSource
    {
        var writer = MallocBufferWriter.Rent();
        try
        {
            if (Wait(source.TryGetAsync(NativeMemoryView.Key(key, keyLength), writer, NativeOptionConversions.Read(options))))
            {
                *outValue = writer.Detach(out var length);
                *outValueLength = length;
                *outPresent = 1;
            }
        }
        finally
        {
            writer.Dispose();
        }

        return NativeResult.Ok;
    }

    /// <summary>
    /// <c>sf_db_get_into</c>: copies the value into the caller's buffer and reports its full
    /// length; when that exceeds <paramref name="capacity"/> the buffer's content is unspecified
    /// and the caller retries with a buffer of the reported length. Allocates nothing when the value fits.
    /// </summary>
    public static NativeResult GetInto(nint db, byte* key, nuint keyLength, NativeReadOptions* options, byte* buffer, nuint capacity, byte* outPresent, nuint* outValueLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            RequireOut(outPresent, "out_present");
            RequireOut(outValueLength, "out_val_len");
            *outPresent = 0;
            *outValueLength = 0;
            var target = Db(db).Db;
            var writer = CallerBufferWriter.Over(buffer, capacity);
            if (Wait(target.TryGetAsync(NativeMemoryView.Key(key, keyLength), writer, NativeOptionConversions.Read(options))))
            {
                *outPresent = 1;
                *outValueLength = (nuint)writer.Written;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    // Pins freed by sf_pinned_free, reused so a pinned get allocates no buffer (the pin's copy
    // buffer lives on the pinned object heap). Bounded: a burst of live pins is not kept for good.
    private static readonly System.Collections.Concurrent.ConcurrentQueue<Cache.PinnedValue> s_pins = new();

    /// <summary>
    /// <c>sf_db_get_pinned</c>: the value where it lies (a cached block, held by the pin) or copied
    /// once into the pin; the caller releases it with <c>sf_pinned_free</c>.
    /// </summary>
    public static NativeResult GetPinned(nint db, byte* key, nuint keyLength, NativeReadOptions* options, nint* outPinned, byte** outValue, nuint* outValueLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            RequireOut(outPinned, "out_pinned");
            RequireOut(outValue, "out_val");
            RequireOut(outValueLength, "out_val_len");
            *outPinned = 0;
            *outValue = null;
            *outValueLength = 0;
            var target = Db(db).Db;
            var pin = s_pins.TryDequeue(out var reused) ? reused : new Cache.PinnedValue();
            try
            {
                if (Wait(target.TryGetPinnedAsync(NativeMemoryView.Key(key, keyLength), pin, NativeOptionConversions.Read(options))))
                {
                    *outPinned = Handles.Add(pin);
                    *outValue = pin.Pointer;
                    *outValueLength = (nuint)pin.Length;
                    pin = null;
                }
            }
            finally
            {
                if (pin is not null)
                {
                    ReturnPin(pin);
                }
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_pinned_free</c>: NULL does nothing; a second free is Invalid.</summary>
    public static NativeResult PinnedFree(nint pinned)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            if (pinned == 0)
            {
                return NativeResult.Ok;
            }

            if (Handles.Free<Cache.PinnedValue>(pinned, out _) is { } pin)
            {
                ReturnPin(pin);
            }
            else
            {
                Lookup<Cache.PinnedValue>(pinned, "sf_pinned_t");
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    private static void ReturnPin(Cache.PinnedValue pin)
    {
        pin.Reset();
        if (s_pins.Count < 64)
        {
            s_pins.Enqueue(pin);
        }
    }

    /// <summary><c>sf_db_flush</c> (type 0: WAL, 1: memtable).</summary>
    public static NativeResult Flush(nint db, int type)
    {
        return NativeResult.Guard(() =>
        {
            Wait(Db(db).Db.FlushAsync(NativeOptionConversions.Flush(type)));
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_db_metrics</c>: a JSON object of counters and gauges, freed with <c>sf_string_free</c>.</summary>
    public static NativeResult Metrics(nint db, byte** outJson)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outJson, "out_json");
            *outJson = null;
            var target = Db(db).Db;
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("path", target.Path);
                json.WriteString("close_reason", target.CloseReason.ToString().ToLowerInvariant());
                json.WriteNumber("writer_epoch", target.WriterEpoch);
                json.WriteNumber("last_seq", target.LastSeq);
                json.WriteNumber("durable_seq", target.DurableSeq);
                json.WriteNumber("l0_sst_count", target.L0Count);
                json.WriteNumber("memtable_count", target.MemtableCount);
                json.WriteNumber("unflushed_bytes", target.UnflushedBytes);
                var requests = target.Store is ObjectStore.DiskCachedObjectStore cached ? cached.Inner : target.Store;
                if (requests is ObjectStore.InstrumentedObjectStore store)
                {
                    json.WriteNumber("object_store_requests", store.Requests);
                }

                if (target.DiskCacheStats is { } disk)
                {
                    json.WriteNumber("object_store_cache_part_access_count", disk.PartAccesses);
                    json.WriteNumber("object_store_cache_part_hit_count", disk.PartHits);
                    json.WriteNumber("object_store_cache_bytes", disk.CachedBytes);
                }

                json.WriteEndObject();
            }

            *outJson = CopyWithNul(buffer.WrittenSpan);
            return NativeResult.Ok;
        });
    }

    private static byte* CopyWithNul(ReadOnlySpan<byte> utf8)
    {
        var text = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)utf8.Length + 1);
        utf8.CopyTo(new Span<byte>(text, utf8.Length));
        text[utf8.Length] = 0;
        return text;
    }
}
