using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>The C ABI entry points for callbacks, compaction, garbage collection and clones (slatefast.h); one line each, as in <see cref="Exports"/>.</summary>
public static unsafe class CallbackExports
{
    /// <summary><c>sf_db_open_with_callbacks</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_open_with_callbacks")]
    public static NativeResult DbOpenWithCallbacks(byte* path, byte* storeUrl, byte* optionsJson, NativeCallbacksStruct* callbacks, nint* outDb) =>
        NativeApi.OpenWithCallbacks(path, storeUrl, optionsJson, callbacks, outDb);

    /// <summary><c>sf_reader_open_with_callbacks</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_open_with_callbacks")]
    public static NativeResult ReaderOpenWithCallbacks(byte* path, byte* storeUrl, byte* optionsJson, NativeCallbacksStruct* callbacks, nint* outReader) =>
        NativeApi.ReaderOpenWithCallbacks(path, storeUrl, optionsJson, callbacks, outReader);

    /// <summary><c>sf_db_compact</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_compact")]
    public static NativeResult DbCompact(nint db) => NativeApi.Compact(db);

    /// <summary><c>sf_admin_collect_garbage</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_collect_garbage")]
    public static NativeResult AdminCollectGarbage(byte* path, byte* storeUrl, int dryRun, ulong* outRemoved) =>
        NativeApi.CollectGarbage(path, storeUrl, dryRun, outRemoved);

    /// <summary><c>sf_admin_create_clone</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_create_clone")]
    public static NativeResult AdminCreateClone(byte* path, byte* storeUrl, byte* parentPath, byte* parentCheckpointId, byte* outCreated) =>
        NativeApi.CreateClone(path, storeUrl, parentPath, parentCheckpointId, outCreated);
}
