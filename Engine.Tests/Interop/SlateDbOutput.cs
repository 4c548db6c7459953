using System.Text.Json;

namespace SlateFast.Tests.Interop;

/// <summary>
/// Parses the helper's JSON lines. Row lines have "key"/"value"/"seq"/"create_ts"/"expire_ts"
/// (and "view" for rows of another view than the latest state); other lines have "type".
/// </summary>
public static class SlateDbOutput
{
    public static IReadOnlyList<SlateDbRow> ParseRows(string stdout) =>
        [.. Lines(stdout).Select(ParseRow)];

    public static SlateDbRow ParseRow(JsonElement o) => new(
        Hex(o, "key"),
        Hex(o, "value"),
        o.GetProperty("seq").GetUInt64(),
        o.GetProperty("create_ts").GetInt64(),
        o.GetProperty("expire_ts").ValueKind == JsonValueKind.Null ? null : o.GetProperty("expire_ts").GetInt64());

    internal static SlateDbGenerated ParseGenerated(string stdout)
    {
        var rows = new List<SlateDbRow>();
        var views = new Dictionary<string, List<SlateDbRow>>(StringComparer.Ordinal);
        JsonElement? summary = null;
        foreach (var line in Lines(stdout))
        {
            if (line.TryGetProperty("type", out var type))
            {
                if (type.GetString() == "summary")
                {
                    summary = line;
                }
            }
            else if (line.TryGetProperty("view", out var view))
            {
                var name = view.GetString()!;
                if (!views.TryGetValue(name, out var list))
                {
                    views[name] = list = [];
                }

                list.Add(ParseRow(line));
            }
            else
            {
                rows.Add(ParseRow(line));
            }
        }

        if (summary is not { } s)
        {
            throw new SlateDbNodeException($"generate printed no summary line:\n{Truncate(stdout)}");
        }

        var checkpoint = s.GetProperty("checkpoint");
        var merge = s.GetProperty("merge_operator");
        return new SlateDbGenerated(
            s.GetProperty("kind").GetString()!,
            s.GetProperty("root").GetString()!,
            s.GetProperty("db_path").GetString()!,
            s.GetProperty("codec").GetString()!,
            s.GetProperty("block_size").GetInt32(),
            rows,
            merge.ValueKind == JsonValueKind.Null ? null : merge.GetString(),
            checkpoint.ValueKind == JsonValueKind.Null ? null : checkpoint.GetProperty("id").GetString(),
            views.GetValueOrDefault("checkpoint") ?? [],
            views.GetValueOrDefault("writer-at-checkpoint") ?? [],
            SlateDbManifestSummary.Parse(s.GetProperty("manifest")),
            [.. s.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("path").GetString()!)]);
    }

    internal static IReadOnlyList<byte[]?> ParseGets(string stdout) =>
        [.. Lines(stdout).Select(o => o.GetProperty("value").ValueKind == JsonValueKind.Null ? null : Hex(o, "value"))];

    internal static SlateDbWriteResult ParseWritten(string stdout)
    {
        var o = Lines(stdout).Single(l => l.TryGetProperty("type", out var t) && t.GetString() == "written");
        ulong? Seq(string name) => o.GetProperty(name).ValueKind == JsonValueKind.Null ? null : o.GetProperty(name).GetUInt64();
        return new SlateDbWriteResult(o.GetProperty("ops").GetInt32(), Seq("first_seq"), Seq("last_seq"));
    }

    private static byte[] Hex(JsonElement o, string name) => Convert.FromHexString(o.GetProperty(name).GetString()!);

    /// <summary>Each non-empty line as a detached JsonElement (no JsonDocument left to dispose).</summary>
    private static IEnumerable<JsonElement> Lines(string stdout)
    {
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            JsonElement element;
            try
            {
                using var doc = JsonDocument.Parse(line);
                element = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new SlateDbNodeException($"not a JSON line: {Truncate(line)}", e);
            }

            yield return element;
        }
    }

    private static string Truncate(string s) => s.Length <= 2000 ? s : s[..2000] + "...";
}
