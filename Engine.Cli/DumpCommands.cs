using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Blocks;

namespace SlateFast.Cli;

/// <summary><c>sst dump</c>: what is in an SST object (<c>manifest dump</c> is in <see cref="AdminCommands"/>).</summary>
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
        if (await store.HeadAsync(path).ConfigureAwait(false) is { } head && WalReader.IsZeroByteFence(path, head.Size))
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
        text is null ? fallback : (int)CliNumbers.I64(text, "--limit", "a non-negative number", max: int.MaxValue);

    internal static string Hex(byte[]? bytes) => bytes is null ? "(none)" : bytes.Length == 0 ? "(empty)" : Convert.ToHexString(bytes).ToLowerInvariant();
}
