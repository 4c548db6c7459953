using System.Text;
using SlateFast.Native;

namespace SlateFast.Tests.Native;

/// <summary>The managed layer of the transaction exports, called with raw pointers as C would.</summary>
public sealed unsafe class NativeTransactionApiTests
{
    [Fact]
    public void A_commit_applies_the_writes_and_frees_the_handle()
    {
        var db = NativeCalls.Open();
        try
        {
            var txn = Begin(db, 0);
            Ok(Put(txn, "k", "v"));
            Assert.Equal("v", Get(txn, "k"));
            Assert.Null(NativeCalls.Get(db, "k"));

            ulong seq;
            byte committed;
            Ok(NativeApi.TxnCommit(txn, 0, &seq, &committed));

            Assert.Equal((byte)1, committed);
            Assert.True(seq > 0);
            Assert.Equal("v", NativeCalls.Get(db, "k"));
            Assert.Equal(ErrorKind.Invalid, Kind(Put(txn, "k", "again")));
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.TxnRollback(txn)));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }
    }

    [Fact]
    public void A_write_write_conflict_is_a_transaction_error_and_applies_nothing()
    {
        var db = NativeCalls.Open();
        try
        {
            var t1 = Begin(db, 0);
            var t2 = Begin(db, 0);
            Ok(Put(t1, "k", "t1"));
            Ok(Put(t2, "k", "t2"));
            Ok(Put(t2, "side", "x"));
            Ok(NativeApi.TxnCommit(t1, 0, null, null));

            ulong seq = 9;
            byte committed = 9;
            Assert.Equal(ErrorKind.Transaction, Kind(NativeApi.TxnCommit(t2, 0, &seq, &committed)));

            Assert.Equal((0UL, (byte)0), (seq, committed));
            Assert.Equal("t1", NativeCalls.Get(db, "k"));
            Assert.Null(NativeCalls.Get(db, "side"));
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.TxnCommit(t2, 0, null, null)));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }
    }

    [Fact]
    public void A_transaction_scan_overlays_own_writes_and_closes_with_the_transaction()
    {
        var db = NativeCalls.Open();
        try
        {
            NativeCalls.Put(db, "a", "stored");
            NativeCalls.Put(db, "b", "stored");
            var txn = Begin(db, 1);
            Ok(Put(txn, "c", "own"));
            fixed (byte* b = "b"u8)
            {
                Ok(NativeApi.TxnDelete(txn, b, 1));
            }

            nint iterator;
            Ok(NativeApi.TxnScan(txn, null, 0, null, 0, null, &iterator));
            Assert.Equal(["a=stored", "c=own"], NativeCalls.Drain(iterator));
            Ok(NativeApi.TxnScan(txn, null, 0, null, 0, null, &iterator));
            fixed (byte* a = "a"u8)
            {
                Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.IteratorSeek(iterator, a, 1)));
            }

            Ok(NativeApi.TxnRollback(txn));
            Assert.Equal(ErrorKind.Closed, Kind(NativeCalls.Next(iterator, out _)));
            Ok(NativeApi.IteratorClose(iterator));
            Assert.Null(NativeCalls.Get(db, "c"));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }
    }

    [Fact]
    public void Closing_the_database_rolls_back_its_transactions_which_then_answer_closed()
    {
        var db = NativeCalls.Open();
        var committing = Begin(db, 0);
        var rolling = Begin(db, 0);
        Ok(Put(committing, "k", "v"));

        Ok(NativeApi.Close(db));

        Assert.Equal(ErrorKind.Closed, Kind(Put(rolling, "k", "v")));
        Assert.Equal(ErrorKind.Closed, Kind(NativeApi.TxnCommit(committing, 0, null, null)));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.TxnCommit(committing, 0, null, null)));
        Ok(NativeApi.TxnRollback(rolling));
        Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.TxnRollback(rolling)));
    }

    [Fact]
    public void Misuse_of_transaction_calls_is_invalid()
    {
        var db = NativeCalls.Open();
        try
        {
            nint txn = 1;
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.BeginTransaction(db, 5, &txn)));
            Assert.Equal(0, txn);
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.BeginTransaction(db, 0, null)));
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.BeginTransaction(0, 0, &txn)));
            Assert.Equal(ErrorKind.Invalid, Kind(Put(db, "k", "v"))); // a database is not a transaction
            txn = Begin(db, 0);
            byte present;
            nuint length;
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.TxnGetInto(txn, null, 0, null, null, 0, &present, &length))); // empty key
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.TxnGetInto(txn, null, 0, null, null, 3, &present, &length)));
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.TxnMarkRead(txn, null, 1)));
            Assert.Equal(ErrorKind.Invalid, Kind(NativeApi.TxnScan(txn, null, 0, null, 0, null, null)));
            Ok(NativeApi.TxnRollback(txn));
        }
        finally
        {
            Ok(NativeApi.Close(db));
        }
    }

    private static nint Begin(nint db, int isolation)
    {
        nint txn;
        Ok(NativeApi.BeginTransaction(db, isolation, &txn));
        return txn;
    }

    private static NativeResult Put(nint txn, string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var v = Encoding.UTF8.GetBytes(value);
        fixed (byte* kp = k, vp = v)
        {
            return NativeApi.TxnPut(txn, kp, (nuint)k.Length, vp, (nuint)v.Length, null);
        }
    }

    private static string? Get(nint txn, string key)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var buffer = new byte[64];
        byte present;
        nuint length;
        fixed (byte* kp = k, bp = buffer)
        {
            Ok(NativeApi.TxnGetInto(txn, kp, (nuint)k.Length, null, bp, (nuint)buffer.Length, &present, &length));
        }

        return present == 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)length);
    }

    private static void Ok(NativeResult result) => NativeCalls.Ok(result);

    private static ErrorKind Kind(NativeResult result) => NativeCalls.Kind(result);
}
