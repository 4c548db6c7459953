namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_write_batch_new</c>.</summary>
    public static NativeResult BatchNew(nint* outBatch)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outBatch, "out_batch");
            *outBatch = Handles.Add(new NativeBatch());
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_write_batch_put</c>.</summary>
    public static NativeResult BatchPut(nint batch, byte* key, nuint keyLength, byte* value, nuint valueLength, NativePutOptions* options)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            var native = Lookup<NativeBatch>(batch, "sf_write_batch_t");
            var putOptions = NativeOptionConversions.Put(options);
            lock (native.Gate)
            {
                native.Batch.Put(NativeMemoryView.Span(key, keyLength, "key"), NativeMemoryView.Span(value, valueLength, "value"), putOptions);
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_write_batch_merge</c>.</summary>
    public static NativeResult BatchMerge(nint batch, byte* key, nuint keyLength, byte* operand, nuint operandLength, NativePutOptions* options)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            var native = Lookup<NativeBatch>(batch, "sf_write_batch_t");
            var putOptions = NativeOptionConversions.Put(options);
            lock (native.Gate)
            {
                native.Batch.Merge(NativeMemoryView.Span(key, keyLength, "key"), NativeMemoryView.Span(operand, operandLength, "operand"), putOptions);
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_write_batch_delete</c>.</summary>
    public static NativeResult BatchDelete(nint batch, byte* key, nuint keyLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            var native = Lookup<NativeBatch>(batch, "sf_write_batch_t");
            lock (native.Gate)
            {
                native.Batch.Delete(NativeMemoryView.Span(key, keyLength, "key"));
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_write_batch_clear</c>: empties the batch for reuse.</summary>
    public static NativeResult BatchClear(nint batch)
    {
        return NativeResult.Guard(() =>
        {
            var native = Lookup<NativeBatch>(batch, "sf_write_batch_t");
            lock (native.Gate)
            {
                native.Batch.Clear();
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_write_batch_free</c>: a second free is Invalid.</summary>
    public static NativeResult BatchFree(nint batch)
    {
        return NativeResult.Guard(() =>
        {
            if (Handles.Free<NativeBatch>(batch, out _) is null)
            {
                Lookup<NativeBatch>(batch, "sf_write_batch_t");
            }

            return NativeResult.Ok;
        });
    }
}
