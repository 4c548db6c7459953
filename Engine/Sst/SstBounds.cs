using SlateFast.Manifest;

namespace SlateFast.Sst;

/// <summary>
/// The manifest has no checksum, and reads skip an SST by the first and last keys the manifest
/// records for it: one flipped byte there makes a key read as absent. The SST's own info (behind
/// its CRC) holds the same two keys, so they are compared when the SST is opened, once per
/// manifest entry, never per read (RFC 0017).
/// </summary>
internal static class SstBounds
{
    /// <summary>
    /// Throws <see cref="ErrorKind.Data"/> naming the SST and both pairs of bounds when the manifest's
    /// entry disagrees with the opened file; marks the entry checked otherwise.
    /// </summary>
    public static void Verify(CompactedSst entry, SstFile file, string manifest)
    {
        var recorded = entry.Info;
        if (recorded.BoundsVerified)
        {
            return;
        }

        if (!SsTableInfo.BytesEqual(recorded.FirstEntry, file.Info.FirstEntry) || !SsTableInfo.BytesEqual(recorded.LastEntry, file.Info.LastEntry))
        {
            ThrowHelper.Data(
                $"SST {entry.Id} ({file.Path}): {manifest} records its keys as [{Show(recorded.FirstEntry)} .. {Show(recorded.LastEntry)}] "
                + $"but the SST holds [{Show(file.Info.FirstEntry)} .. {Show(file.Info.LastEntry)}]; the manifest (or the SST) is corrupt, "
                + "and reads would miss keys ('slatefast manifest list' shows older manifests to roll back to)");
        }

        recorded.BoundsVerified = true;
    }

    private static string Show(ReadOnlyMemory<byte>? key) => key is { } k ? $"0x{Convert.ToHexStringLower(k.Span)}" : "none";
}
