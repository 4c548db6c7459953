using System.Text;
using System.Text.Json;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Cli;

/// <summary><c>sst dump</c> and <c>manifest dump</c>: what is in the objects of a database.</summary>
internal static class DumpCommands
{
    public static async Task<int> SstDumpAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("expected one SST object path");
        }

        var limit = ParseLimit(args.Get("--limit"), 100);
        var store = Stores.Open(args.Get("--store"), context);
        var path = args.Positional[0];
        if (await store.HeadAsync(path).ConfigureAwait(false) is { } head && Wal.WalObjects.IsShortFence(head.Size) && DbPaths.TryParseWalSstName(path, out _))
        {
            context.Out.WriteLine($"sst {path}");
            context.Out.WriteLine($"  {head.Size} bytes: a WAL fence as SlateDB 0.14+ writes it (no rows; a writer took over at this WAL id)");
            return 0;
        }

        var reader = await SstReader.OpenAsync(store, path).ConfigureAwait(false);
        var p = reader.Properties;
        var w = context.Out;
        w.WriteLine($"sst {p.Path}");
        w.WriteLine($"  size {p.SizeBytes} bytes, format version {p.FormatVersion}, {(p.IsWal ? "WAL" : "compacted")}, compression {p.Compression}");
        w.WriteLine($"  first entry {Hex(p.FirstEntry)}, last entry {Hex(p.LastEntry)}");
        var filter = p.FilterBytes == 0 ? "none" : p.CompositeFilter ? $"composite [{string.Join(", ", p.FilterNames)}]" : "legacy bloom";
        w.WriteLine($"  filter format {(p.CompositeFilter ? "composite (SlateDB 0.13+)" : "legacy (SlateDB 0.12)")}");
        w.WriteLine($"  {p.BlockCount} blocks; filter {filter}, {p.FilterBytes} bytes; index at {p.IndexOffset} ({p.IndexBytes} bytes); stats at {p.StatsOffset} ({p.StatsBytes} bytes)");
        if (p.Puts is not null)
        {
            w.WriteLine($"  stats: {p.Puts} puts, {p.Deletes} deletes, {p.Merges} merges, raw keys {p.RawKeyBytes} bytes, raw values {p.RawValueBytes} bytes");
        }

        w.WriteLine("index:");
        var blocks = reader.Blocks;
        for (var i = 0; i < blocks.Count; i++)
        {
            w.WriteLine($"  block {i}: offset {blocks[i].Offset}, {blocks[i].StoredBytes} bytes stored, index key {Hex(blocks[i].IndexKey)}");
        }

        if (args.Has("--blocks"))
        {
            await DumpBlocksAsync(store, path, reader, limit, w).ConfigureAwait(false);
        }

        w.WriteLine(limit == 0 ? "rows: (omitted, --limit 0)" : $"rows (at most {limit}):");
        var shown = 0;
        await foreach (var row in reader.ReadRowsAsync().ConfigureAwait(false))
        {
            if (shown++ >= limit)
            {
                w.WriteLine("  ...");
                break;
            }

            var ts = new StringBuilder();
            if (row.CreateTs is { } c)
            {
                ts.Append($" create_ts {c}");
            }

            if (row.ExpireTs is { } e)
            {
                ts.Append($" expire_ts {e}");
            }

            w.WriteLine($"  {Hex(row.Key)} seq {row.Seq} {row.Kind}{ts} value {(row.Kind == Format.RowKind.Tombstone ? "-" : Hex(row.Value))}");
        }

        return 0;
    }

    public static async Task<int> ManifestDumpAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("expected one database path");
        }

        var db = args.Positional[0].Trim('/');
        var store = Stores.Open(args.Get("--store"), context);
        ulong id;
        if (args.Get("--id") is { } idText)
        {
            id = ulong.TryParse(idText, out var parsed) && parsed > 0 ? parsed : throw new UsageException($"--id must be a positive manifest id, got '{idText}'");
        }
        else
        {
            id = 0;
            await foreach (var meta in store.ListAsync(DbPaths.DirPrefix(db, DbPaths.ManifestDir)).ConfigureAwait(false))
            {
                if (DbPaths.TryParseManifestName(meta.Path, out var found) && found > id)
                {
                    id = found;
                }
            }

            if (id == 0)
            {
                // The same kind as every other command given a database that is not there.
                throw new SlateFastException(ErrorKind.Invalid, $"no database at {db} in {store}: no manifest under {db}/{DbPaths.ManifestDir}/");
            }
        }

        var path = DbPaths.ManifestPath(db, id);
        var data = await store.GetAsync(path).ConfigureAwait(false) ?? throw new ObjectNotFoundException(path);
        var manifest = ManifestCodec.Decode(data.Data.Span);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            WriteManifest(json, id, path, data.Data.Span[1], manifest);
        }

        context.Out.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
        return 0;
    }

    private static void WriteManifest(Utf8JsonWriter json, ulong id, string path, byte version, ManifestState m)
    {
        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteString("path", path);
        json.WriteNumber("version", version);
        json.WriteBoolean("initialized", m.Initialized);
        json.WriteNumber("writer_epoch", m.WriterEpoch);
        json.WriteNumber("compactor_epoch", m.CompactorEpoch);
        json.WriteNumber("replay_after_wal_id", m.ReplayAfterWalId);
        json.WriteNumber("wal_id_last_seen", m.WalIdLastSeen);
        json.WriteNumber("last_l0_seq", m.LastL0Seq);
        json.WriteNumber("last_l0_clock_tick", m.LastL0ClockTick);
        json.WriteNumber("recent_snapshot_min_seq", m.RecentSnapshotMinSeq);
        if (m.LastCompactedL0SstId is { } lastCompacted)
        {
            json.WriteString("l0_last_compacted", lastCompacted.ToString());
        }

        if (m.WalObjectStoreUri is { } uri)
        {
            json.WriteString("wal_object_store_uri", uri);
        }

        // What this manifest alone shows (WAL fences and the compactions file are not in it: see `slatefast info`).
        json.WriteString("format_level", FormatDetection.Of(m, []) switch
        {
            FormatLevel.SlateDb013 => "0.13",
            _ => "0.12",
        });
        if (m.SegmentExtractorName is { } extractor)
        {
            json.WriteString("segment_extractor_name", extractor);
        }

        json.WriteStartArray("l0");
        foreach (var view in m.L0)
        {
            WriteView(json, view);
        }

        json.WriteEndArray();
        WriteRuns(json, m.Compacted);
        if (!m.Segments.IsEmpty)
        {
            json.WriteStartArray("segments");
            foreach (var segment in m.Segments)
            {
                json.WriteStartObject();
                json.WriteString("prefix", Hex(segment.Prefix.ToArray()));
                if (segment.LastCompactedL0SstViewId is { } last)
                {
                    json.WriteString("last_compacted_l0_view_id", last.ToString());
                }

                json.WriteStartArray("l0");
                foreach (var view in segment.L0)
                {
                    WriteView(json, view);
                }

                json.WriteEndArray();
                WriteRuns(json, segment.Compacted);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("checkpoints");
        foreach (var c in m.Checkpoints)
        {
            json.WriteStartObject();
            json.WriteString("id", c.Id.ToString());
            json.WriteNumber("manifest_id", c.ManifestId);
            json.WriteNumber("create_time_s", c.CreateTimeSeconds);
            json.WriteNumber("expire_time_s", c.ExpireTimeSeconds);
            if (c.Name is { } name)
            {
                json.WriteString("name", name);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("external_dbs");
        foreach (var e in m.ExternalDbs)
        {
            json.WriteStartObject();
            json.WriteString("path", e.Path);
            json.WriteString("source_checkpoint_id", e.SourceCheckpointId.ToString());
            if (e.FinalCheckpointId is { } final)
            {
                json.WriteString("final_checkpoint_id", final.ToString());
            }

            json.WriteStartArray("sst_ids");
            foreach (var sst in e.SstIds)
            {
                json.WriteStringValue(sst.ToString());
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("sequence_tracker_samples", m.SequenceTracker.Samples.Length);
        json.WriteEndObject();
    }

    private static void WriteRuns(Utf8JsonWriter json, System.Collections.Immutable.ImmutableArray<SortedRun> runs)
    {
        json.WriteStartArray("sorted_runs");
        foreach (var run in runs)
        {
            json.WriteStartObject();
            json.WriteNumber("id", run.Id);
            json.WriteStartArray("ssts");
            foreach (var view in run.Ssts)
            {
                WriteView(json, view);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteView(Utf8JsonWriter json, SstView view)
    {
        var info = view.Sst.Info;
        json.WriteStartObject();
        json.WriteString("id", view.Sst.Id.ToString());
        if (view.Id != view.Sst.Id)
        {
            json.WriteString("view_id", view.Id.ToString());
        }

        json.WriteString("first_key", Hex(info.FirstEntry?.ToArray()));
        json.WriteString("last_key", Hex(info.LastEntry?.ToArray()));
        json.WriteNumber("format_version", view.Sst.FormatVersion);
        json.WriteString("compression", info.Compression.ToString());
        json.WriteNumber("index_offset", info.IndexOffset);
        json.WriteNumber("filter_len", info.FilterLength);
        json.WriteString("filter_format", info.FilterFormat.ToString().ToLowerInvariant());
        if (view.VisibleRange is { } range)
        {
            json.WriteString("visible_range", range.ToString());
        }

        json.WriteEndObject();
    }

    // The stored bytes of each block with its boundaries marked, 16 bytes a line; --limit bounds
    // the blocks as it bounds the rows (an SST's dump is otherwise four times its size).
    private static async Task DumpBlocksAsync(IObjectStore store, string path, SstReader reader, int limit, TextWriter w)
    {
        w.WriteLine(limit < reader.Blocks.Count ? $"blocks (the first {limit} of {reader.Blocks.Count}; --limit N shows more):" : "blocks:");
        foreach (var (block, i) in reader.Blocks.Take(limit).Select((b, i) => (b, i)))
        {
            var stored = await store.GetRangeAsync(path, block.Offset, block.StoredBytes).ConfigureAwait(false);
            w.WriteLine($"  -- block {i} at {block.Offset}: {block.StoredBytes - 4} bytes payload (as stored) + 4 bytes CRC32 --");
            var span = stored.Span;
            for (var line = 0; line < span.Length; line += 16)
            {
                var chunk = span.Slice(line, Math.Min(16, span.Length - line));
                var marker = line + 16 > span.Length - 4 ? "  <- CRC in the last 4 bytes" : string.Empty;
                w.WriteLine($"  {block.Offset + line:x8}  {Convert.ToHexString(chunk).ToLowerInvariant(),-32}  {Printable(chunk)}{marker}");
            }
        }
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return sb.ToString();
    }

    private static int ParseLimit(string? text, int fallback) =>
        text is null ? fallback : int.TryParse(text, out var n) && n >= 0 ? n : throw new UsageException($"--limit must be a non-negative number, got '{text}'");

    internal static string Hex(byte[]? bytes) => bytes is null ? "(none)" : bytes.Length == 0 ? "(empty)" : Convert.ToHexString(bytes).ToLowerInvariant();
}
