using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>The C ABI entry points (NativeAot/include/slatefast.h).</summary>
public static unsafe class Exports
{
    private static readonly byte[] s_version = System.Text.Encoding.UTF8.GetBytes(VersionInfo.Version + "\0");
    private static GCHandle s_versionPin = GCHandle.Alloc(s_version, GCHandleType.Pinned);

    /// <summary>The library version as a static NUL-terminated string (never freed).</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_version")]
    public static byte* Version() => (byte*)s_versionPin.AddrOfPinnedObject();
}
