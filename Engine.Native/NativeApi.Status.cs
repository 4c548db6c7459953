using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary><c>sf_status_t</c>: a <see cref="DbStatus"/> for C (the close message travels in errors instead).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeStatus
{
    /// <summary>The highest durable sequence number.</summary>
    public ulong DurableSeq;

    /// <summary>The highest sequence number a read sees.</summary>
    public ulong LastSeq;

    /// <summary>SF_CLOSE_*; SF_CLOSE_NONE while open.</summary>
    public int CloseReason;

    /// <summary>The manifest version reads consult.</summary>
    public ulong ManifestId;

    /// <summary>That manifest's writer epoch.</summary>
    public ulong WriterEpoch;

    /// <summary>That manifest's compactor epoch.</summary>
    public ulong CompactorEpoch;

    /// <summary>The highest sequence number in L0 SSTs.</summary>
    public ulong LastL0Seq;

    /// <summary>When the newest L0 SST was written, ms since the Unix epoch; 0 when none was.</summary>
    public long LastL0FlushMs;

    /// <summary>Frozen memtables waiting for their flush.</summary>
    public int FrozenMemtables;

    /// <summary>L0 SSTs in the manifest.</summary>
    public int L0Ssts;

    /// <summary>Sorted runs in the manifest.</summary>
    public int SortedRuns;

    internal static NativeStatus From(DbStatus s) => new()
    {
        DurableSeq = s.DurableSeq,
        LastSeq = s.LastSeq,
        CloseReason = (int)s.CloseReason,
        ManifestId = s.ManifestId,
        WriterEpoch = s.WriterEpoch,
        CompactorEpoch = s.CompactorEpoch,
        LastL0Seq = s.LastL0Seq,
        LastL0FlushMs = s.LastL0FlushTime?.ToUnixTimeMilliseconds() ?? 0,
        FrozenMemtables = s.FrozenMemtables,
        L0Ssts = s.L0Ssts,
        SortedRuns = s.SortedRuns,
    };
}

internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_db_status</c>: the database's status now; also for a closed database (it reports the close).</summary>
    public static NativeResult DbStatus(nint db, NativeStatus* outStatus)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outStatus, "out_status");
            *outStatus = default;
            *outStatus = NativeStatus.From(StatusOwner(db, "sf_db_t").Status);
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_reader_status</c>: the reader's status now.</summary>
    public static NativeResult ReaderStatus(nint reader, NativeStatus* outStatus)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outStatus, "out_status");
            *outStatus = default;
            *outStatus = NativeStatus.From(Reader(reader).Reader.Status);
            return NativeResult.Ok;
        });
    }

    /// <summary>
    /// <c>sf_db_status_wait</c> and <c>sf_reader_status_wait</c>: waits up to
    /// <paramref name="timeoutMs"/> (negative: without limit) for a status other than
    /// <paramref name="last"/> (NULL: returns the status now), as SlateDB's subscribe.
    /// </summary>
    public static NativeResult StatusWait(nint handle, NativeStatus* last, long timeoutMs, byte* outChanged, NativeStatus* outStatus)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outChanged, "out_changed");
            RequireOut(outStatus, "out_status");
            *outChanged = 0;
            *outStatus = default;
            var statuses = Handles.TryGet<NativeReader>(handle, out var reader) == HandleState.Live
                ? (Func<CancellationToken, IAsyncEnumerable<DbStatus>>)reader.Reader.SubscribeAsync
                : StatusOwner(handle, "sf_db_t or sf_reader_t").SubscribeAsync;
            var previous = last is null ? (NativeStatus?)null : *last;
            using var timeout = timeoutMs >= 0 ? new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Min(timeoutMs, int.MaxValue))) : new CancellationTokenSource();
            if (Wait(StatusWaits.FirstDifferentAsync(statuses(timeout.Token), previous)) is { } changed)
            {
                *outStatus = changed;
                *outChanged = 1;
            }
            else if (last is not null)
            {
                *outStatus = *last;
            }

            return NativeResult.Ok;
        });
    }

    // A database that closed itself (fenced, failed) still answers with why; a handle the caller
    // closed answers SF_ERR_CLOSED, as every call on it does.
    private static DbHandle StatusOwner(nint token, string what) => Lookup<NativeDb>(token, what).Db;
}

/// <summary>The async half of the status waits (an unsafe context cannot await).</summary>
internal static class StatusWaits
{
    // The first status that differs from `previous`; null when the wait timed out (or the
    // subscription ended, the database closed, without another).
    public static async Task<NativeStatus?> FirstDifferentAsync(IAsyncEnumerable<DbStatus> statuses, NativeStatus? previous)
    {
        try
        {
            await foreach (var status in statuses.ConfigureAwait(false))
            {
                var native = NativeStatus.From(status);
                if (previous is not { } p || !native.Equals(p))
                {
                    return native;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The timeout.
        }

        return null;
    }
}
