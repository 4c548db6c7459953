using System.Buffers;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Sst;

/// <summary>
/// Encodes and decodes <see cref="SsTableInfo"/> as the <c>SsTableInfo</c> flatbuffer, laid out
/// byte for byte like SlateDB 0.12 (first_entry and last_entry vectors first, then the table).
/// </summary>
internal static class SsTableInfoCodec
{
    private const int FirstEntry = 0;
    private const int IndexOffset = 1;
    private const int IndexLen = 2;
    private const int FilterOffset = 3;
    private const int FilterLen = 4;
    private const int CompressionFormat = 5;
    private const int SstTypeField = 6;
    private const int LastEntry = 7;
    private const int StatsOffset = 8;
    private const int StatsLen = 9;
    private const int FilterFormatField = 10;

    /// <summary>Verifies and decodes a standalone <c>SsTableInfo</c> buffer (the SST footer's, without its CRC).</summary>
    public static SsTableInfo Decode(ReadOnlySpan<byte> buffer)
    {
        FlatBufferVerifier.Verify(buffer, SstSchemas.SsTableInfo, "SsTableInfo");
        return Read(FlatTable.Root(buffer));
    }

    public static byte[] Encode(SsTableInfo info)
    {
        var builder = new FlatBufferBuilder(128);
        builder.Finish(Write(builder, info));
        return builder.ToArray();
    }

    public static void Encode(SsTableInfo info, IBufferWriter<byte> output)
    {
        var builder = new FlatBufferBuilder(128);
        builder.Finish(Write(builder, info));
        builder.CopyTo(output);
    }

    /// <summary>Reads a verified <c>SsTableInfo</c> table (standalone or nested in a manifest).</summary>
    public static SsTableInfo Read(FlatTable table)
    {
        // The verifier has refused enum values outside the schema (SstSchemas.SsTableInfo).
        sbyte compression = table.GetI8(CompressionFormat);
        sbyte type = table.GetI8(SstTypeField);
        return new SsTableInfo
        {
            FirstEntry = CopyBytes(table, FirstEntry),
            LastEntry = CopyBytes(table, LastEntry),
            IndexOffset = table.GetU64(IndexOffset),
            IndexLength = table.GetU64(IndexLen),
            FilterOffset = table.GetU64(FilterOffset),
            FilterLength = table.GetU64(FilterLen),
            Compression = (CompressionCodec)compression,
            SstType = (SstType)type,
            StatsOffset = table.GetU64(StatsOffset),
            StatsLength = table.GetU64(StatsLen),
            FilterFormat = (FilterFormat)table.GetU8(FilterFormatField),
        };
    }

    private static ReadOnlyMemory<byte>? CopyBytes(FlatTable table, int field)
    {
        // Not a conditional expression: null would convert to an empty (present) ReadOnlyMemory.
        if (table.TryGetBytes(field, out var bytes))
        {
            return bytes.ToArray();
        }

        return null;
    }

    /// <summary>Writes the table into <paramref name="builder"/> and returns its offset.</summary>
    public static int Write(FlatBufferBuilder builder, SsTableInfo info)
    {
        int first = info.FirstEntry is { } f ? builder.CreateByteVector(f.Span) : 0;
        int last = info.LastEntry is { } l ? builder.CreateByteVector(l.Span) : 0;

        // Generated Rust builders add fields widest first, last field first within a width.
        int start = builder.StartTable();
        builder.AddU64(StatsLen, info.StatsLength);
        builder.AddU64(StatsOffset, info.StatsOffset);
        builder.AddU64(FilterLen, info.FilterLength);
        builder.AddU64(FilterOffset, info.FilterOffset);
        builder.AddU64(IndexLen, info.IndexLength);
        builder.AddU64(IndexOffset, info.IndexOffset);
        if (last != 0)
        {
            builder.AddOffset(LastEntry, last);
        }

        if (first != 0)
        {
            builder.AddOffset(FirstEntry, first);
        }

        // Legacy is the default and, as in SlateDB, not written: 0.12 readers see the bytes they know.
        builder.AddU8(FilterFormatField, (byte)info.FilterFormat);
        builder.AddU8(SstTypeField, (byte)info.SstType);
        builder.AddU8(CompressionFormat, (byte)info.Compression);
        return builder.EndTable(start);
    }
}
