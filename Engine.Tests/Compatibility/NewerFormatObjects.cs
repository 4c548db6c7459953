using System.Buffers.Binary;
using SlateFast.Format;
using SlateFast.Format.FlatBuffers;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Interop.Format;

namespace SlateFast.Tests.Compatibility;

/// <summary>
/// Builds the objects SlateDB 0.13+ writes that a 0.12 reader does not know, from the layouts in
/// SlateDB's schemas (schemas/manifest.fbs, sst.fbs, compactor.fbs at v0.13.0..v0.15.0).
/// </summary>
internal static class NewerFormatObjects
{
    /// <summary>
    /// A version-2 manifest with SlateDB 0.13's <c>segments</c> (field 16: one segment with prefix
    /// <paramref name="prefix"/> and no SSTs) and <c>segment_extractor_name</c> (field 17).
    /// </summary>
    /// <paramref name="unknownField"/>, when set, adds a u64 field of that id, as a schema newer than 0.15 might.
    public static byte[] ManifestV2WithSegment(byte[] prefix, string extractor, ulong writerEpoch = 1, int? unknownField = null)
    {
        var b = new FlatBufferBuilder();
        int emptySsts = b.CreateOffsetVector([]);
        int emptyL0 = b.CreateOffsetVector([]);
        int emptyRuns = b.CreateOffsetVector([]);
        int emptyCheckpoints = b.CreateOffsetVector([]);

        int segmentPrefix = b.CreateByteVector(prefix);
        int segmentL0 = b.CreateOffsetVector([]);
        int segmentRuns = b.CreateOffsetVector([]);
        int segment = b.StartTable();
        b.AddOffset(3, segmentRuns);
        b.AddOffset(2, segmentL0);
        b.AddOffset(0, segmentPrefix);
        int segments = b.CreateOffsetVector([b.EndTable(segment)]);
        int name = b.CreateString(extractor);

        int root = b.StartTable();
        if (unknownField is { } extra)
        {
            b.AddU64(extra, 7);
        }

        b.AddU64(3, writerEpoch);
        b.AddOffset(17, name);
        b.AddOffset(16, segments);
        b.AddOffset(12, emptyCheckpoints);
        b.AddOffset(10, emptyRuns);
        b.AddOffset(9, emptyL0);
        b.AddOffset(8, emptySsts);
        b.AddBool(2, true);
        var body = b.Finish(b.EndTable(root));
        var file = new byte[body.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(file, ManifestCodec.Version2);
        body.CopyTo(file.AsSpan(2));
        return file;
    }

    /// <summary>An SST file with its info section replaced by <paramref name="edit"/> of the old one.</summary>
    public static byte[] RewriteSstInfo(byte[] sst, Func<SsTableInfo, SsTableInfo> edit)
    {
        int footer = sst.Length - SstSections.FooterLength;
        var metaOffset = (int)BinaryPrimitives.ReadUInt64BigEndian(sst.AsSpan(footer));
        var version = BinaryPrimitives.ReadUInt16BigEndian(sst.AsSpan(footer + 8));
        var info = SsTableInfoCodec.Decode(sst.AsSpan(metaOffset, footer - SstSections.ChecksumLength - metaOffset));
        var infoBytes = SsTableInfoCodec.Encode(edit(info));
        var result = new byte[metaOffset + infoBytes.Length + SstSections.ChecksumLength + SstSections.FooterLength];
        sst.AsSpan(0, metaOffset).CopyTo(result);
        infoBytes.CopyTo(result.AsSpan(metaOffset));
        int at = metaOffset + infoBytes.Length;
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(at), Crc32.Compute(infoBytes));
        BinaryPrimitives.WriteUInt64BigEndian(result.AsSpan(at + 4), (ulong)metaOffset);
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(at + 12), version);
        return result;
    }

    /// <summary>
    /// Rewrites a database the way SlateDB 0.13+ would have written its SSTs: every compacted SST
    /// is rebuilt from its rows in <paramref name="format"/> (a composite filter block when it had
    /// a filter, the field in its info either way) and its manifest entry takes the new info; every
    /// WAL object declares the format (WAL SSTs have no filter). The new state is written as the
    /// next manifest version.
    /// </summary>
    public static async Task DeclareFilterFormatAsync(IObjectStore store, string db, FilterFormat format, int blockSize = 4096)
    {
        var manifests = new ManifestStore(store, db);
        var (id, state) = (await manifests.LoadLatestAsync())!.Value;
        var rebuilt = new Dictionary<Ulid, SsTableInfo>();
        foreach (var view in state.L0.Concat(state.Compacted.SelectMany(r => r.Ssts)))
        {
            var path = DbPaths.CompactedSstPath(db, view.Sst.Id);
            if (!rebuilt.ContainsKey(view.Sst.Id))
            {
                var (bytes, info) = Rebuild(await StoredSst.ReadAsync(store, path, view.Sst.FormatVersion), format, blockSize);
                await store.PutAsync(path, bytes);
                rebuilt[view.Sst.Id] = info;
            }
        }

        foreach (var wal in await store.ListAllAsync(DbPaths.DirPrefix(db, DbPaths.WalDir)))
        {
            var bytes = (await store.GetAsync(wal.Path))!.Data.ToArray();
            if (bytes.Length > SstSections.FooterLength)
            {
                await store.PutAsync(wal.Path, RewriteSstInfo(bytes, info => info with { FilterFormat = format }));
            }
        }

        CompactedSst Edit(CompactedSst sst) => sst with { Info = rebuilt[sst.Id] };
        var next = state with
        {
            L0 = [.. state.L0.Select(v => v with { Sst = Edit(v.Sst) })],
            Compacted = [.. state.Compacted.Select(r => r with { Ssts = [.. r.Ssts.Select(v => v with { Sst = Edit(v.Sst) })] })],
        };
        Assert.True(await manifests.TryWriteAsync(id + 1, next));
    }

    // The same rows, codec and block size; a filter exactly when the original had one.
    private static (byte[] Bytes, SsTableInfo Info) Rebuild(StoredSst sst, FilterFormat format, int blockSize)
    {
        var original = sst.File.Info;
        var minFilterKeys = original.FilterLength > 0 ? 1 : int.MaxValue;
        using var builder = new SstBuilder(new SstBuildSettings(blockSize, original.Compression, 10, minFilterKeys, original.SstType, format));
        foreach (var row in sst.Rows)
        {
            builder.Add(row.Entry);
        }

        var info = builder.Finish();
        Assert.Equal(original.FilterOffset, info.FilterOffset);
        return (builder.Pending.ToArray(), info);
    }
}
