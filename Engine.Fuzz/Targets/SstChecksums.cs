using System.Buffers.Binary;
using SlateFast.Format;
using SlateFast.Sst;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Recomputes the CRC of every section an SST's own bytes locate (info, index, filter, stats, data
/// blocks), so a mutated SST gets past its checksums and into the decoders. Corrupt metadata ends
/// the repair where it stands; that part of the file then fails on its checksum as it should.
/// </summary>
internal static class SstChecksums
{
    /// <summary>A repaired copy, or null when every checksum the file locates was already right.</summary>
    public static byte[]? Repair(byte[] sst)
    {
        byte[] copy = (byte[])sst.Clone();
        bool changed = false;
        try
        {
            RepairInto(copy, ref changed);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            // The metadata is beyond repair from here on; keep what was fixed.
        }

        return changed ? copy : null;
    }

    private static void RepairInto(byte[] sst, ref bool changed)
    {
        long size = sst.Length;
        long infoEnd = size - SstSections.FooterLength;
        if (infoEnd < SstSections.ChecksumLength)
        {
            return;
        }

        ulong meta = BinaryPrimitives.ReadUInt64BigEndian(sst.AsSpan((int)infoEnd));
        if (meta >= (ulong)(infoEnd - SstSections.ChecksumLength))
        {
            return;
        }

        changed |= Fix(sst, (long)meta, infoEnd);
        var info = SsTableInfoCodec.Decode(sst.AsSpan((int)meta, (int)(infoEnd - SstSections.ChecksumLength - (long)meta)));
        changed |= FixSection(sst, info.FilterOffset, info.FilterLength, meta);
        changed |= FixSection(sst, info.StatsOffset, info.StatsLength, meta);
        if (!FitsBefore(info.IndexOffset, info.IndexLength, meta))
        {
            return;
        }

        changed |= Fix(sst, (long)info.IndexOffset, (long)(info.IndexOffset + info.IndexLength));
        var stored = sst.AsMemory((int)info.IndexOffset, (int)info.IndexLength);
        // A copy: fixing a block's CRC may write into the index bytes when fuzzed sections overlap.
        var index = SsTableIndex.Decode(SstSections.Read(stored, info.Compression, null, "fuzz", (long)info.IndexOffset, "index", SstFile.DefaultMaxSectionSize).ToArray());
        for (int i = 0; i < index.BlockCount; i++)
        {
            ulong start = index.BlockOffset(i);
            ulong end = i + 1 < index.BlockCount ? index.BlockOffset(i + 1) : info.FilterOffset;
            if (end > start)
            {
                changed |= FixSection(sst, start, end - start, meta);
            }
        }
    }

    private static bool FitsBefore(ulong offset, ulong length, ulong limit) =>
        length >= SstSections.ChecksumLength && offset <= limit && length <= limit - offset;

    private static bool FixSection(byte[] sst, ulong offset, ulong length, ulong limit) =>
        FitsBefore(offset, length, limit) && Fix(sst, (long)offset, (long)(offset + length));

    /// <summary>Writes the CRC of [start, end - 4) into its last 4 bytes; true if that changed them.</summary>
    private static bool Fix(byte[] sst, long start, long end)
    {
        var body = sst.AsSpan((int)start, (int)(end - start - SstSections.ChecksumLength));
        var slot = sst.AsSpan((int)(end - SstSections.ChecksumLength), SstSections.ChecksumLength);
        uint crc = Crc32.Compute(body);
        if (BinaryPrimitives.ReadUInt32BigEndian(slot) == crc)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(slot, crc);
        return true;
    }
}
