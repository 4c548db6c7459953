using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary><c>sf_row_entry_t</c>: one stored version lent to C (key and value valid until the next call on the iterator).</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct NativeRowEntry
{
    public ulong Seq;
    public int Kind;
    public byte HasCreateTs;
    public byte HasExpireTs;
    public long CreateTs;
    public long ExpireTs;
    public byte* Key;
    public nuint KeyLength;
    public byte* Value;
    public nuint ValueLength;
}

internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_db_scan_prefix_by_recency</c>: the rows under the prefix source by source, newest first (RFC 0033).</summary>
    public static NativeResult ScanPrefixByRecency(nint db, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeResult.Guard(() =>
        {
            RequireOut(outIterator, "out_iter");
            *outIterator = 0;
            var owner = Db(db);
            var rows = owner.Db.ScanPrefixByRecencyAsync(NativeMemoryView.Span(prefix, prefixLength, "prefix"), NativeOptionConversions.Scan(options));
            *outIterator = AddChild(new NativeRecencyIterator(rows, owner));
            return NativeResult.Ok;
        });

    /// <summary><c>sf_recency_iterator_next</c>: the next row into <paramref name="outRow"/>, or <c>*out_present == false</c> after the last.</summary>
    public static NativeResult RecencyIteratorNext(nint iterator, byte* outPresent, NativeRowEntry* outRow)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            RequireOut(outPresent, "out_present");
            RequireOut(outRow, "out_row");
            *outPresent = 0;
            *outRow = default;
            if (Lookup<NativeRecencyIterator>(iterator, "sf_recency_iterator_t").Next(outRow))
            {
                *outPresent = 1;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_recency_iterator_close</c>: also for one its database's close already closed; a second close is Invalid.</summary>
    public static NativeResult RecencyIteratorClose(nint iterator) =>
        NativeResult.Guard(() =>
        {
            FreeChild<NativeRecencyIterator>(iterator, "sf_recency_iterator_t");
            return NativeResult.Ok;
        });
}

/// <summary>What an <c>sf_recency_iterator_t</c> names: a recency scan whose rows it lends to C.</summary>
internal sealed unsafe class NativeRecencyIterator(RecencyIterator rows, NativeParent owner) : INativeOwnedChild
{
    private readonly Lock _gate = new();
    private bool _closed;

    private readonly LentRow _lent = new();

    public NativeParent Owner { get; } = owner;

    public nint Token { get; set; }

    public bool Next(NativeRowEntry* row)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, "the recency iterator was closed with its database");
            }

            if (NativeApi.Wait(rows.NextAsync()) is not { } entry)
            {
                return false;
            }

            var (key, value) = _lent.Lend(entry.Key, entry.Value, entry.Value is not null);
            *row = new NativeRowEntry
            {
                Seq = entry.Seq,
                Kind = (int)entry.Kind,
                HasCreateTs = entry.CreateTs is null ? (byte)0 : (byte)1,
                CreateTs = entry.CreateTs ?? 0,
                HasExpireTs = entry.ExpireTs is null ? (byte)0 : (byte)1,
                ExpireTs = entry.ExpireTs ?? 0,
                Key = (byte*)key,
                KeyLength = (nuint)entry.Key.Length,
                Value = (byte*)value,
                ValueLength = (nuint)(entry.Value?.Length ?? 0),
            };
            return true;
        }
    }

    public void CloseWithDb() => Close();

    public void Close()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _closed = true;
                _lent.Free();
                NativeApi.Wait(rows.DisposeAsync());
            }
        }
    }
}
