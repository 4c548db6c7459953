using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SlateFast;

/// <summary>
/// The JSON form of what <see cref="DbAdmin"/> reads, one schema shared by the CLI
/// (<c>slatefast manifest dump</c>, <c>manifest list --json</c>, <c>compactions dump</c>), the C ABI
/// and Python. Field names are snake_case as in SlateDB's own dumps; keys and prefixes are lowercase
/// hex; ids are strings (ULIDs, UUIDs) or numbers (versions); times are Unix seconds.
/// </summary>
public static class DbAdminJson
{
    /// <summary>A manifest version with every table, checkpoint and sequence tracker sample.</summary>
    public static string Manifest(DbManifest manifest, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Write(indented, json => WriteManifest(json, manifest));
    }

    /// <summary>The manifest versions <see cref="DbAdmin.ListManifestsAsync"/> lists, as an array.</summary>
    public static string Manifests(IReadOnlyList<ManifestVersionInfo> versions, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(versions);
        return Write(indented, json =>
        {
            json.WriteStartArray();
            foreach (var v in versions)
            {
                json.WriteStartObject();
                json.WriteNumber("id", v.Id);
                json.WriteNumber("size", v.SizeBytes);
                WriteTime(json, "last_modified_s", v.LastModified);
                json.WriteBoolean("decodes", v.Decodes);
                if (v.Error is { } error)
                {
                    json.WriteString("error", error);
                }

                WriteOptional(json, "writer_epoch", v.WriterEpoch);
                WriteOptional(json, "compactor_epoch", v.CompactorEpoch);
                WriteOptional(json, "replay_after_wal_id", v.ReplayAfterWalId);
                WriteOptional(json, "last_l0_seq", v.LastL0Seq);
                WriteOptional(json, "l0", (ulong?)v.L0Ssts);
                WriteOptional(json, "sorted_runs", (ulong?)v.SortedRuns);
                WriteOptional(json, "checkpoints", (ulong?)v.Checkpoints);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    /// <summary>A compactions file: its epoch and every compaction with its sources, destination, outputs and status.</summary>
    public static string Compactions(DbCompactions compactions, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(compactions);
        return Write(indented, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("id", compactions.Id);
            json.WriteString("path", compactions.Path);
            json.WriteNumber("version", compactions.FormatVersion);
            json.WriteNumber("compactor_epoch", compactions.CompactorEpoch);
            json.WriteStartArray("compactions");
            foreach (var c in compactions.Compactions)
            {
                json.WriteStartObject();
                json.WriteString("id", c.Id);
                json.WriteNumber("start_time_ms", c.StartTime.ToUnixTimeMilliseconds());
                json.WriteString("status", c.Status);
                json.WriteString("kind", c.Kind);
                if (c.Segment.Length > 0)
                {
                    json.WriteString("segment", Hex(c.Segment));
                }

                WriteStrings(json, "l0_sources", c.L0Sources);
                json.WriteStartArray("sorted_run_sources");
                foreach (var run in c.SortedRunSources)
                {
                    json.WriteNumberValue(run);
                }

                json.WriteEndArray();
                if (c.Destination is { } destination)
                {
                    json.WriteNumber("destination", destination);
                }
                else
                {
                    json.WriteNull("destination");
                }

                WriteStrings(json, "output_ssts", c.OutputSsts);
                if (c.Worker is { } worker)
                {
                    json.WriteString("worker", worker);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static void WriteManifest(Utf8JsonWriter json, DbManifest m)
    {
        json.WriteStartObject();
        json.WriteNumber("id", m.Id);
        json.WriteString("path", m.Path);
        json.WriteNumber("version", m.FormatVersion);
        json.WriteString("format_level", m.FormatLevel == FormatLevel.SlateDb013 ? "0.13" : "0.12");
        json.WriteBoolean("initialized", m.Initialized);
        json.WriteNumber("writer_epoch", m.WriterEpoch);
        json.WriteNumber("compactor_epoch", m.CompactorEpoch);
        json.WriteNumber("replay_after_wal_id", m.ReplayAfterWalId);
        json.WriteNumber("wal_id_last_seen", m.WalIdLastSeen);
        json.WriteNumber("last_l0_seq", m.LastL0Seq);
        json.WriteNumber("last_l0_clock_tick", m.LastL0ClockTick);
        json.WriteNumber("recent_snapshot_min_seq", m.RecentSnapshotMinSeq);
        if (m.LastCompactedL0 is { } lastCompacted)
        {
            json.WriteString("l0_last_compacted", lastCompacted);
        }

        if (m.WalObjectStoreUri is { } uri)
        {
            json.WriteString("wal_object_store_uri", uri);
        }

        if (m.SegmentExtractorName is { } extractor)
        {
            json.WriteString("segment_extractor_name", extractor);
        }

        WriteSsts(json, "l0", m.L0);
        WriteRuns(json, m.SortedRuns);
        if (m.Segments.Count > 0)
        {
            json.WriteStartArray("segments");
            foreach (var segment in m.Segments)
            {
                json.WriteStartObject();
                json.WriteString("prefix", Hex(segment.Prefix));
                if (segment.LastCompactedL0 is { } last)
                {
                    json.WriteString("last_compacted_l0_view_id", last);
                }

                WriteSsts(json, "l0", segment.L0);
                WriteRuns(json, segment.SortedRuns);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("checkpoints");
        foreach (var c in m.Checkpoints)
        {
            json.WriteStartObject();
            json.WriteString("id", c.Id.ToString("D"));
            json.WriteNumber("manifest_id", c.ManifestId);
            json.WriteNumber("create_time_s", c.CreateTime.ToUnixTimeSeconds());

            // As stored: 0 means the checkpoint never expires.
            json.WriteNumber("expire_time_s", c.ExpireTime?.ToUnixTimeSeconds() ?? 0);
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
            json.WriteString("source_checkpoint_id", e.SourceCheckpoint.ToString("D"));
            if (e.FinalCheckpoint is { } final)
            {
                json.WriteString("final_checkpoint_id", final.ToString("D"));
            }

            WriteStrings(json, "sst_ids", e.SstIds);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("sequence_tracker");
        foreach (var s in m.SequenceSamples)
        {
            json.WriteStartObject();
            json.WriteNumber("seq", s.Seq);
            json.WriteNumber("ts", s.Time.ToUnixTimeSeconds());
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRuns(Utf8JsonWriter json, IReadOnlyList<DbManifestSortedRun> runs)
    {
        json.WriteStartArray("sorted_runs");
        foreach (var run in runs)
        {
            json.WriteStartObject();
            json.WriteNumber("id", run.Id);
            WriteSsts(json, "ssts", run.Ssts);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteSsts(Utf8JsonWriter json, string name, IReadOnlyList<DbManifestSst> ssts)
    {
        json.WriteStartArray(name);
        foreach (var sst in ssts)
        {
            json.WriteStartObject();
            json.WriteString("id", sst.Id);
            if (sst.ViewId is { } view)
            {
                json.WriteString("view_id", view);
            }

            WriteHex(json, "first_key", sst.FirstKey);
            WriteHex(json, "last_key", sst.LastKey);
            json.WriteNumber("format_version", sst.FormatVersion);
            json.WriteString("compression", sst.Compression.ToString());
            json.WriteNumber("index_offset", sst.IndexOffset);
            json.WriteNumber("filter_len", sst.FilterLength);
            json.WriteString("filter_format", sst.FilterFormat);
            if (sst.VisibleRange is { } range)
            {
                json.WriteString("visible_range", range);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }

    private static void WriteHex(Utf8JsonWriter json, string name, byte[]? bytes)
    {
        if (bytes is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, Hex(bytes));
        }
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, ulong? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            json.WriteNumber(name, t.ToUnixTimeSeconds());
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Write(bool indented, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
