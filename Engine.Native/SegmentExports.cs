using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>The C ABI entry points for segments (slatefast.h); one line each, as in <see cref="Exports"/>.</summary>
public static unsafe class SegmentExports
{
    /// <summary><c>sf_db_drop_segment</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_drop_segment")]
    public static NativeResult DbDropSegment(nint db, byte* prefix, nuint prefixLength, byte* outDropped) =>
        NativeApi.DropSegment(db, prefix, prefixLength, outDropped);

    /// <summary><c>sf_db_list_segments</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_list_segments")]
    public static NativeResult DbListSegments(nint db, byte** outJson) => NativeApi.ListSegments(db, outJson);
}
