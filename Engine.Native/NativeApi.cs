using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>
/// The managed side of the C ABI. Each method has the export's shape (raw pointers in, a
/// <see cref="NativeResult"/> out), checks every pointer and handle, catches every exception, and
/// blocks on the engine's asynchronous calls; <see cref="Exports"/> only forwards to it. Tests call
/// these methods directly.
/// </summary>
/// <remarks>
/// Blocking is safe here: the engine awaits with <c>ConfigureAwait(false)</c> and C threads have
/// no synchronization context. Non-durable writes and cached reads complete synchronously, so the
/// fast path never touches a Task.
/// </remarks>
internal static unsafe partial class NativeApi
{
    private static readonly byte[] s_version = System.Text.Encoding.UTF8.GetBytes(VersionInfo.Version + "\0");
    private static readonly GCHandle s_versionPin = GCHandle.Alloc(s_version, GCHandleType.Pinned);

    /// <summary>Every handle the C ABI hands out.</summary>
    internal static HandleTable Handles { get; } = new();

    /// <summary><c>sf_version</c>: a static string, never freed.</summary>
    public static byte* Version() => (byte*)s_versionPin.AddrOfPinnedObject();

    /// <summary><c>sf_result_free</c>.</summary>
    public static void ResultFree(NativeResult* result) => NativeResult.Free(result);

    /// <summary><c>sf_bytes_free</c>: frees bytes the library handed out; NULL is ignored.</summary>
    public static void BytesFree(byte* pointer, nuint length)
    {
        _ = length; // part of the ABI so a later allocator may use sized frees
        NativeMemory.Free(pointer);
    }

    /// <summary><c>sf_string_free</c>: frees a string the library handed out; NULL is ignored.</summary>
    public static void StringFree(byte* text) => NativeMemory.Free(text);

    /// <summary><c>sf_set_log_callback</c>.</summary>
    public static NativeResult SetLogCallback(delegate* unmanaged<int, byte*, byte*, void*, void> callback, int minLevel, void* userData)
    {
        return NativeResult.Guard(() =>
        {
            NativeLoggerFactory.Set(callback, minLevel, userData);
            return NativeResult.Ok;
        });
    }

    internal static T Wait<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    internal static void Wait(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            task.AsTask().GetAwaiter().GetResult();
        }
    }

    internal static void Wait(Task task) => task.GetAwaiter().GetResult();

    internal static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <summary>Throws Invalid for a NULL out-pointer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RequireOut(void* pointer, string name)
    {
        if (pointer is null)
        {
            ThrowHelper.Invalid($"{name} must not be NULL");
        }
    }

    /// <summary>The live object a token names; Closed or Invalid errors otherwise.</summary>
    internal static T Lookup<T>(nint token, string type)
        where T : class
    {
        var state = Handles.TryGet<T>(token, out var target);
        return state switch
        {
            HandleState.Live => target,
            HandleState.Closed => throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"the {type} handle 0x{token:x} is closed"),
            _ => throw new SlateFastException(ErrorKind.Invalid, token == 0 ? $"the {type} handle is NULL" : $"0x{token:x} is not a live {type} handle (stale, freed or forged)"),
        };
    }

    private static NativeDb Db(nint token) => Lookup<NativeDb>(token, "sf_db_t");

    private static void SetBytes(byte** outPointer, nuint* outLength, ReadOnlySpan<byte> bytes)
    {
        *outPointer = MallocBufferWriter.Copy(bytes, out var length);
        *outLength = length;
    }
}
