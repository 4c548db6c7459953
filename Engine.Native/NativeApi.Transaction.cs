namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_db_begin_transaction</c>: an optimistic transaction reading as of now.</summary>
    public static NativeResult BeginTransaction(nint db, int isolation, nint* outTransaction)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outTransaction, "out_txn");
            *outTransaction = 0;
            var owner = Db(db);
            var transaction = owner.Db.BeginTransaction(NativeOptionConversions.Isolation(isolation));
            var native = new NativeTransaction(transaction, owner);
            try
            {
                native.Token = Handles.Add(native);
            }
            catch
            {
                transaction.Rollback();
                throw;
            }

            owner.Adopt(native);
            *outTransaction = native.Token;
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_txn_get</c>: the value as the transaction sees it (its snapshot and its own writes), malloc'd.</summary>
    public static NativeResult TxnGet(nint txn, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength)
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
            var value = TxnRead(txn, key, keyLength, options);
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

    /// <summary><c>sf_txn_get_into</c>: as <see cref="GetInto"/>, for a transaction.</summary>
    public static NativeResult TxnGetInto(nint txn, byte* key, nuint keyLength, NativeReadOptions* options, byte* buffer, nuint capacity, byte* outPresent, nuint* outValueLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            RequireOut(outPresent, "out_present");
            RequireOut(outValueLength, "out_val_len");
            *outPresent = 0;
            *outValueLength = 0;
            if (buffer is null && capacity != 0)
            {
                ThrowHelper.Invalid($"buffer is NULL but its length is {capacity}");
            }

            var value = TxnRead(txn, key, keyLength, options);
            if (value is not null)
            {
                if ((nuint)value.Length <= capacity)
                {
                    value.CopyTo(new Span<byte>(buffer, value.Length));
                }

                *outPresent = 1;
                *outValueLength = (nuint)value.Length;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_txn_put</c>: buffered until commit.</summary>
    public static NativeResult TxnPut(nint txn, byte* key, nuint keyLength, byte* value, nuint valueLength, NativePutOptions* options)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            var putOptions = NativeOptionConversions.Put(options);
            var native = Transaction(txn);
            lock (native.Gate)
            {
                native.ThrowIfFinished();
                native.Transaction.Put(NativeMemoryView.Span(key, keyLength, "key"), NativeMemoryView.Span(value, valueLength, "value"), putOptions);
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_txn_delete</c>: buffered until commit.</summary>
    public static NativeResult TxnDelete(nint txn, byte* key, nuint keyLength)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            var native = Transaction(txn);
            lock (native.Gate)
            {
                native.ThrowIfFinished();
                native.Transaction.Delete(NativeMemoryView.Span(key, keyLength, "key"));
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_txn_merge</c>: a merge operand buffered until commit.</summary>
    public static NativeResult TxnMerge(nint txn, byte* key, nuint keyLength, byte* operand, nuint operandLength, NativePutOptions* options)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            var putOptions = NativeOptionConversions.Put(options);
            var native = Transaction(txn);
            lock (native.Gate)
            {
                native.ThrowIfFinished();
                native.Transaction.Merge(NativeMemoryView.Span(key, keyLength, "key"), NativeMemoryView.Span(operand, operandLength, "operand"), putOptions);
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary>
    /// <c>sf_txn_scan</c>: the range as the transaction sees it, as an iterator that closes with
    /// the transaction. Under serializable isolation the range counts as read from this call on.
    /// </summary>
    public static NativeResult TxnScan(nint txn, byte* start, nuint startLength, byte* end, nuint endLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() => TxnScan(txn, () => Range(start, startLength, end, endLength), options, outIterator));

    /// <summary><c>sf_txn_scan_prefix</c>: the keys starting with the prefix, as <c>sf_txn_scan</c>.</summary>
    public static NativeResult TxnScanPrefix(nint txn, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() => TxnScan(txn, () => PrefixRange(prefix, prefixLength), options, outIterator));

    private static NativeResult TxnScan(nint txn, Func<KeyRange> range, NativeScanOptions* options, nint* outIterator)
    {
        RequireOut(outIterator, "out_iter");
        *outIterator = 0;
        var scanOptions = NativeOptionConversions.Scan(options);
        var bounds = range();
        var native = Transaction(txn);
        NativeIterator iterator;
        lock (native.Gate)
        {
            native.ThrowIfFinished();
            var rows = native.Transaction.ScanAsync(bounds, scanOptions).GetAsyncEnumerator();
            try
            {
                iterator = new NativeIterator(rows, native);
            }
            catch
            {
                Wait(rows.DisposeAsync());
                throw;
            }
        }

        *outIterator = AddIterator(iterator);
        return NativeResult.Ok;
    }

    /// <summary><c>sf_txn_mark_read</c>.</summary>
    public static NativeResult TxnMarkRead(nint txn, byte* key, nuint keyLength)
    {
        return NativeResult.Guard(() =>
        {
            var native = Transaction(txn);
            lock (native.Gate)
            {
                native.ThrowIfFinished();
                native.Transaction.MarkRead(NativeMemoryView.Span(key, keyLength, "key"));
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_txn_unmark_write</c>.</summary>
    public static NativeResult TxnUnmarkWrite(nint txn, byte* key, nuint keyLength)
    {
        return NativeResult.Guard(() =>
        {
            var native = Transaction(txn);
            lock (native.Gate)
            {
                native.ThrowIfFinished();
                native.Transaction.UnmarkWrite(NativeMemoryView.Span(key, keyLength, "key"));
            }

            return NativeResult.Ok;
        });
    }

    /// <summary>
    /// <c>sf_txn_commit</c>: checks for conflicts and applies the writes atomically. Whatever the
    /// outcome (conflict: Transaction; closed with its database: Closed) the handle is finished
    /// and freed; its scans close.
    /// </summary>
    public static NativeResult TxnCommit(nint txn, int awaitDurable, ulong* outSeq, byte* outCommittedSomething)
    {
        return NativeResult.Guard(() =>
        {
            if (outSeq is not null)
            {
                *outSeq = 0;
            }

            if (outCommittedSomething is not null)
            {
                *outCommittedSomething = 0;
            }

            var native = Finish(txn);
            WriteHandle? handle;
            try
            {
                lock (native.Gate)
                {
                    native.ThrowIfFinished();
                    native.Finished = true;
                    handle = Wait(native.Transaction.CommitAsync(NativeOptionConversions.Write(awaitDurable)));
                }
            }
            finally
            {
                native.CloseChildren();
            }

            if (handle is { } written)
            {
                if (outSeq is not null)
                {
                    *outSeq = written.Seq;
                }

                if (outCommittedSomething is not null)
                {
                    *outCommittedSomething = 1;
                }
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_txn_rollback</c>: discards the writes and frees the handle; also for a transaction its database's close rolled back.</summary>
    public static NativeResult TxnRollback(nint txn)
    {
        return NativeResult.Guard(() =>
        {
            var native = Handles.Free<NativeTransaction>(txn, out var wasLive) ?? Lookup<NativeTransaction>(txn, "sf_transaction_t");
            if (wasLive)
            {
                native.Owner.Release(native);
                native.CloseWithDb();
            }

            return NativeResult.Ok;
        });
    }

    private static NativeTransaction Transaction(nint token) => Lookup<NativeTransaction>(token, "sf_transaction_t");

    private static byte[]? TxnRead(nint txn, byte* key, nuint keyLength, NativeReadOptions* options)
    {
        var readOptions = NativeOptionConversions.Read(options);
        var native = Transaction(txn);
        lock (native.Gate)
        {
            native.ThrowIfFinished();
            return Wait(native.Transaction.GetAsync(NativeMemoryView.Key(key, keyLength), readOptions));
        }
    }

    // Frees the handle of a transaction about to finish. One its database closed is freed too and reported Closed.
    private static NativeTransaction Finish(nint txn)
    {
        var native = Handles.Free<NativeTransaction>(txn, out var wasLive) ?? Lookup<NativeTransaction>(txn, "sf_transaction_t");
        if (!wasLive)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"transaction {native.Transaction.Id} was rolled back when its database closed");
        }

        native.Owner.Release(native);
        return native;
    }
}
