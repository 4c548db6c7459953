using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>The C ABI's status and subscribe (<c>sf_db_status</c>, <c>sf_reader_status</c> and their waits) and reader snapshots, one line each as <see cref="Exports"/>.</summary>
public static unsafe class StatusExports
{
    /// <summary><c>sf_db_status</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_status")]
    public static NativeResult DbStatus(nint db, NativeStatus* outStatus) => NativeApi.DbStatus(db, outStatus);

    /// <summary><c>sf_db_status_wait</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_status_wait")]
    public static NativeResult DbStatusWait(nint db, NativeStatus* last, long timeoutMs, byte* outChanged, NativeStatus* outStatus) =>
        NativeApi.StatusWait(db, last, timeoutMs, outChanged, outStatus);

    /// <summary><c>sf_reader_status</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_status")]
    public static NativeResult ReaderStatus(nint reader, NativeStatus* outStatus) => NativeApi.ReaderStatus(reader, outStatus);

    /// <summary><c>sf_reader_snapshot</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_snapshot")]
    public static NativeResult ReaderSnapshot(nint reader, nint* outSnapshot) => NativeApi.ReaderSnapshot(reader, outSnapshot);

    /// <summary><c>sf_reader_status_wait</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_status_wait")]
    public static NativeResult ReaderStatusWait(nint reader, NativeStatus* last, long timeoutMs, byte* outChanged, NativeStatus* outStatus) =>
        NativeApi.StatusWait(reader, last, timeoutMs, outChanged, outStatus);
}
