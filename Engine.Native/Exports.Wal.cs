using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>The C ABI's WAL reader (change data capture): <c>sf_wal_*</c> in slatefast.h, one line each as <see cref="Exports"/>.</summary>
public static unsafe class WalExports
{
    /// <summary><c>sf_wal_reader_open</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_wal_reader_open")]
    public static NativeResult ReaderOpen(byte* path, byte* storeUrl, byte* optionsJson, nint* outReader) => NativeApi.WalReaderOpen(path, storeUrl, optionsJson, outReader);

    /// <summary><c>sf_wal_reader_list</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_wal_reader_list")]
    public static NativeResult ReaderList(nint reader, ulong startId, ulong endId, byte** outJson) => NativeApi.WalReaderList(reader, startId, endId, outJson);

    /// <summary><c>sf_wal_reader_read</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_wal_reader_read")]
    public static NativeResult ReaderRead(nint reader, ulong walId, nint* outCursor) => NativeApi.WalReaderRead(reader, walId, outCursor);

    /// <summary><c>sf_wal_reader_follow</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_wal_reader_follow")]
    public static NativeResult ReaderFollow(nint reader, int start, ulong walId, ulong seq, nint* outCursor) => NativeApi.WalReaderFollow(reader, start, walId, seq, outCursor);

    /// <summary><c>sf_wal_cursor_next</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_wal_cursor_next")]
    public static NativeResult CursorNext(nint cursor, long timeoutMs, byte* outPresent, NativeWalRow* outRow) => NativeApi.WalCursorNext(cursor, timeoutMs, outPresent, outRow);

    /// <summary><c>sf_wal_cursor_close</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_wal_cursor_close")]
    public static NativeResult CursorClose(nint cursor) => NativeApi.WalCursorClose(cursor);

    /// <summary><c>sf_wal_reader_close</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_wal_reader_close")]
    public static NativeResult ReaderClose(nint reader) => NativeApi.WalReaderClose(reader);
}
