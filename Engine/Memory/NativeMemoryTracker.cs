using System.Diagnostics.Metrics;
using SlateFast.Diagnostics;

namespace SlateFast.Memory;

/// <summary>
/// The one account of native memory SlateFast holds (memtable arenas, native block buffers),
/// published as the <c>slatefast.native_memory_bytes</c> gauge.
/// </summary>
internal static class NativeMemoryTracker
{
    private static long s_bytes;

    static NativeMemoryTracker()
    {
        SlateFastMetrics.Meter.CreateObservableGauge("slatefast.native_memory_bytes", () => Interlocked.Read(ref s_bytes), "By", "Native memory held by memtables and buffers");
    }

    /// <summary>Bytes currently allocated.</summary>
    public static long Bytes => Interlocked.Read(ref s_bytes);

    public static void Allocated(long bytes) => Interlocked.Add(ref s_bytes, bytes);

    public static void Freed(long bytes) => Interlocked.Add(ref s_bytes, -bytes);
}
