using System.Text;
using System.Text.Json;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Cli;

/// <summary>
/// <c>put</c>, <c>delete</c> and <c>load</c>: write to a database as its writer (opening fences
/// any other writer, as in SlateDB). Every command returns only once its writes are durable.
/// </summary>
internal static class WriteCommands
{
    /// <summary>Operations per WriteBatch in <c>load</c>: large enough to amortise commits, small enough to bound memory.</summary>
    public const int LoadBatchSize = 1000;

    public static async Task<int> PutAsync(ParsedArgs args, CliContext context)
    {
        var (key, value) = await KeyAndValueAsync(args, context, "value").ConfigureAwait(false);
        await using var db = await OpenAsync(args, context).ConfigureAwait(false);
        var handle = await db.PutAsync(key, value).ConfigureAwait(false);
        await CloseFlushedAsync(db).ConfigureAwait(false);
        context.Out.WriteLine($"put key {ValueOutput.Show(key, OutputFormat.Text)}: {value.Length}-byte value, seq {handle.Seq}");
        return 0;
    }

    public static async Task<int> MergeAsync(ParsedArgs args, CliContext context)
    {
        if (args.Get("--merge-operator") is null)
        {
            throw new UsageException("--merge-operator NAME is required (known: concat)");
        }

        var (key, operand) = await KeyAndValueAsync(args, context, "operand").ConfigureAwait(false);
        await using var db = await OpenAsync(args, context).ConfigureAwait(false);
        var handle = await db.MergeAsync(key, operand).ConfigureAwait(false);
        await CloseFlushedAsync(db).ConfigureAwait(false);
        context.Out.WriteLine($"merged into key {ValueOutput.Show(key, OutputFormat.Text)}: {operand.Length}-byte operand, seq {handle.Seq}");
        return 0;
    }

    public static async Task<int> DeleteAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count != 2)
        {
            throw new UsageException("expected <db> <key>");
        }

        var key = Bytes(args.Positional[1], args.Has("--hex"), "key");
        await using var db = await OpenAsync(args, context).ConfigureAwait(false);
        var handle = await db.DeleteAsync(key).ConfigureAwait(false);
        await CloseFlushedAsync(db).ConfigureAwait(false);
        context.Out.WriteLine($"deleted key {ValueOutput.Show(key, OutputFormat.Text)}, seq {handle.Seq}");
        return 0;
    }

    /// <summary>
    /// Applies a JSON-lines file in order. The whole file is checked before the database opens, so
    /// a bad line never leaves half a load behind. Batches keep the order: within one WriteBatch a
    /// later operation on a key replaces an earlier one, and batches commit one after another.
    /// </summary>
    // On a terminal one line redrawn in place; otherwise (--progress into a file or pipe) a line each.
    private static void ReportProgress(CliContext context, long applied, long total)
    {
        var text = $"loaded {applied:N0} of {total:N0} lines ({100.0 * applied / Math.Max(1, total):F0}%)";
        if (context.Terminal)
        {
            context.Error.Write($"\r{text}");
        }
        else
        {
            context.Error.WriteLine(text);
        }

        context.Error.Flush();
    }

    // The input file may come positionally too ("load db rows.jsonl"), as users first type it.
    private static string InputFile(ParsedArgs args, CliContext context, string first)
    {
        var input = (args.Positional.Count, args.Get("--input")) switch
        {
            (1, { } named) => named,
            (2, null) => args.Positional[1],
            (2, _) => throw new UsageException($"give the input file once: {first} FILE.jsonl or {first} --input FILE.jsonl"),
            _ => throw new UsageException($"expected {first} FILE.jsonl (or {first} --input FILE.jsonl)"),
        };
        input = Path.Combine(context.WorkingDirectory, input);
        return File.Exists(input) ? input : throw new UsageException($"input file {input} does not exist");
    }

    /// <summary><c>sst write</c>: an SST for <c>ingest</c> from load's JSON-lines format; keys must ascend.</summary>
    public static async Task<int> SstWriteAsync(ParsedArgs args, CliContext context)
    {
        var input = InputFile(args, context, "<object>");
        await CheckAsync(input).ConfigureAwait(false);
        var store = Stores.Open(args.Get("--store"), context);
        var path = args.Positional[0];
        byte[]? previous = null;
        await using var writer = await SlateFast.Sst.SstWriter.CreateAsync(store, path).ConfigureAwait(false);
        await foreach (var (line, op) in ReadAsync(input).ConfigureAwait(false))
        {
            // Checked here so the message names the line; the writer would refuse it too.
            if (previous is not null && op.Key.AsSpan().SequenceCompareTo(previous) <= 0)
            {
                throw new SlateFastException(ErrorKind.Invalid, $"input line {line}: key {ValueOutput.Show(op.Key, OutputFormat.Text)} does not come after the previous key; an SST needs its keys in ascending order, each once");
            }

            previous = op.Key;
            switch (op.Kind)
            {
                case LoadKind.Put: await writer.PutAsync(op.Key, op.Value).ConfigureAwait(false); break;
                case LoadKind.Merge: await writer.MergeAsync(op.Key, op.Value).ConfigureAwait(false); break;
                default: await writer.DeleteAsync(op.Key).ConfigureAwait(false); break;
            }
        }

        await writer.CloseAsync().ConfigureAwait(false);
        var m = writer.Metadata;
        context.Out.WriteLine($"wrote {path}: {m.Puts} puts, {m.Merges} merges, {m.Deletes} deletes in {m.BlockCount} blocks, {m.SizeBytes} bytes; ingest it with: slatefast ingest <db> {path}");
        return 0;
    }

    public static async Task<int> LoadAsync(ParsedArgs args, CliContext context)
    {
        var input = InputFile(args, context, "<db>");

        var (puts, deletes, merges) = await CheckAsync(input).ConfigureAwait(false);
        if (merges > 0 && args.Get("--merge-operator") is null)
        {
            throw new UsageException("the input has merge operations; pass --merge-operator NAME (known: concat)");
        }

        var total = puts + deletes + merges;
        var skip = args.Get("--skip") is { } k
            ? CliNumbers.I64(k, "--skip", $"a number of lines from 0 to {total}", max: total)
            : 0;
        var progress = args.Has("--progress") || context.Terminal;
        await using var db = await OpenAsync(args, context).ConfigureAwait(false);
        var batch = new WriteBatch();
        var batches = 0;
        long line = 0, applied = skip;
        var interrupted = false;
        await foreach (var (_, op) in ReadAsync(input).ConfigureAwait(false))
        {
            if (++line <= skip)
            {
                continue;
            }

            switch (op.Kind)
            {
                case LoadKind.Put: batch.Put(op.Key, op.Value); break;
                case LoadKind.Merge: batch.Merge(op.Key, op.Value); break;
                default: batch.Delete(op.Key); break;
            }

            if (batch.Count == LoadBatchSize)
            {
                await db.WriteAsync(batch, WriteOptions.NoWait).ConfigureAwait(false);
                batches++;
                applied = line;
                batch = new WriteBatch();
                if (progress && batches % 10 == 1)
                {
                    ReportProgress(context, applied, total);
                }

                // Stop between batches: what was applied is whole batches, lines 1..applied, so a
                // re-run with --skip applied neither repeats nor misses a line (merges included).
                if (context.Interrupt.IsCancellationRequested)
                {
                    interrupted = true;
                    break;
                }
            }
        }

        if (!interrupted && batch.Count > 0)
        {
            await db.WriteAsync(batch, WriteOptions.NoWait).ConfigureAwait(false);
            batches++;
            applied = line;
        }

        await db.FlushAsync().ConfigureAwait(false);
        var lastSeq = db.LastSeq;
        await CloseFlushedAsync(db).ConfigureAwait(false);
        if (progress && context.Terminal)
        {
            context.Error.WriteLine();
        }

        if (interrupted)
        {
            context.Error.WriteLine($"interrupted: lines 1 to {applied} of {total} are applied and durable; resume with --skip {applied}");
            return 130; // 128 + SIGINT, as shells report a command stopped by Ctrl-C
        }

        var what = skip == 0 ? $"{total} operations" : $"{total - skip} operations (lines {skip + 1} to {total}; --skip {skip})";
        context.Out.WriteLine($"loaded {what} ({puts} puts, {deletes} deletes, {merges} merges in the file) in {batches} batches into {db.Path}, last seq {lastSeq}");
        return 0;
    }

    // <db> <key> <value>, or <db> <key> --value-file FILE ("-": standard input), whose bytes are
    // taken as they are: an argument cannot carry binary data, nor a megabyte ("Argument list too long").
    private static async Task<(byte[] Key, byte[] Value)> KeyAndValueAsync(ParsedArgs args, CliContext context, string what)
    {
        var hex = args.Has("--hex");
        if (args.Get("--value-file") is not { } file)
        {
            return args.Positional.Count == 3
                ? (Bytes(args.Positional[1], hex, "key"), Bytes(args.Positional[2], hex, what))
                : throw new UsageException($"expected <db> <key> <{what}>, or <db> <key> --value-file FILE");
        }

        if (args.Positional.Count != 2)
        {
            throw new UsageException($"expected <db> <key> with --value-file, not a {what} argument as well");
        }

        byte[] value;
        if (file == "-")
        {
            var stdin = context.In ?? throw new UsageException("--value-file - needs a standard input");
            using var buffer = new MemoryStream();
            await stdin.CopyToAsync(buffer).ConfigureAwait(false);
            value = buffer.ToArray();
        }
        else
        {
            var path = Path.Combine(context.WorkingDirectory, file);
            value = File.Exists(path) ? await File.ReadAllBytesAsync(path).ConfigureAwait(false) : throw new UsageException($"--value-file {path} does not exist");
        }

        return (Bytes(args.Positional[1], hex, "key"), value);
    }

    // A CLI process lives for one command: leaving its writes only in the WAL would make every
    // later command replay them (and GC could never free that WAL), so a write command flushes
    // the memtable to L0 before it closes, and the next open replays nothing.
    private static async Task CloseFlushedAsync(DbHandle db)
    {
        await db.FlushAsync(FlushType.MemTable).ConfigureAwait(false);
        await db.CloseAsync().ConfigureAwait(false);
    }

    private static async Task<DbHandle> OpenAsync(ParsedArgs args, CliContext context)
    {
        var path = args.Positional[0].Trim('/');
        if (path.Length == 0)
        {
            throw new UsageException("the database path must not be empty");
        }

        return await OpenWriterAsync(args, context, path, Stores.Open(args.Get("--store"), context)).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a writer, refusing a database that does not exist unless <c>--create</c> is given: a
    /// mistyped name would otherwise silently become a new, empty database.
    /// </summary>
    internal static async Task<DbHandle> OpenWriterAsync(ParsedArgs args, CliContext context, string path, IObjectStore store)
    {
        if (!args.Has("--create") && !await new DbAdmin(path, store).ExistsAsync().ConfigureAwait(false))
        {
            throw new SlateFastException(ErrorKind.Invalid, $"database '{path}' does not exist in {store}; pass --create to create it");
        }

        return await DbHandle.OpenAsync(path, store, DbOptionsFrom(args, context)).ConfigureAwait(false);
    }

    /// <summary>
    /// Database options: the settings (<see cref="CliSettings"/>), then the flags given, which
    /// win: the merge operator, the format level, the WAL recovery mode, a separate WAL store and
    /// a disk cache.
    /// </summary>
    internal static DbOptions DbOptionsFrom(ParsedArgs args, CliContext context)
    {
        var options = CliSettings.Load(args, context).ToDbOptions();
        if (args.Get("--wal-store") is { } walStore)
        {
            options = options with { WalObjectStore = Stores.Open(walStore, context) };
        }

        if (args.Get("--merge-operator") is { } name)
        {
            options = options with { MergeOperator = MergeOperators.FromName(name) };
        }

        if (args.Get("--format-level") is { } level)
        {
            options = options with { FormatLevel = ParseFormatLevel(level) };
        }

        if (args.Get("--segment-extractor") is { } extractor)
        {
            options = options with { SegmentExtractor = PrefixExtractor.Parse(extractor) };
        }

        if (args.Get("--wal-recovery") is { } recovery)
        {
            options = options with { WalRecovery = ParseWalRecovery(recovery) };
        }

        if (args.Get("--disk-cache") is { } cache)
        {
            options = options with { ObjectStoreCache = options.ObjectStoreCache with { RootFolder = Path.Combine(context.WorkingDirectory, cache) } };
        }

        return options;
    }

    // Spelled out, never abbreviated: point-in-time drops WAL objects and must be asked for by name.
    internal static WalRecoveryMode ParseWalRecovery(string text) => text switch
    {
        "strict" => WalRecoveryMode.Strict,
        "point-in-time" => WalRecoveryMode.PointInTime,
        _ => throw new UsageException($"--wal-recovery takes strict (refuse a damaged WAL object, the default) or point-in-time (open at the state before it, dropping it and later WAL objects), got '{text}'"),
    };

    internal static FormatLevel ParseFormatLevel(string text) =>
        FormatLevels.TryParse(text, out var level)
            ? level
            : throw new UsageException($"--format-level takes {FormatLevels.Names} (the SlateDB release that must read what is written), got '{text}'");

    internal static byte[] Bytes(string text, bool hex, string what)
    {
        if (!hex)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new UsageException($"{what} '{text}' is not hex (--hex takes an even number of 0-9a-f digits)");
        }
    }

    private enum LoadKind
    {
        Put,
        Delete,
        Merge,
    }

    private readonly record struct LoadOp(LoadKind Kind, byte[] Key, byte[] Value);

    private static async Task<(long Puts, long Deletes, long Merges)> CheckAsync(string input)
    {
        long puts = 0, deletes = 0, merges = 0;
        await foreach (var (_, op) in ReadAsync(input).ConfigureAwait(false))
        {
            switch (op.Kind)
            {
                case LoadKind.Put: puts++; break;
                case LoadKind.Merge: merges++; break;
                default: deletes++; break;
            }
        }

        return (puts, deletes, merges);
    }

    private static async IAsyncEnumerable<(long Line, LoadOp Op)> ReadAsync(string input)
    {
        using var reader = new StreamReader(input, Encoding.UTF8);
        long number = 0;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return (number, ParseLine(line, number));
        }
    }

    /// <summary>{"key":"hex","value":"hex"}, {"key":"hex","merge":"hex"} or {"key":"hex","delete":true}; anything else is an Invalid error naming the line.</summary>
    private static LoadOp ParseLine(string line, long number)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String)
            {
                return Bad<LoadOp>(number, "expected an object with a \"key\" hex string");
            }

            var key = Convert.FromHexString(keyElement.GetString()!);
            if (key.Length is 0 or > 65_535)
            {
                return Bad<LoadOp>(number, $"key length must be 1..65535 bytes, got {key.Length}");
            }

            var hasValue = root.TryGetProperty("value", out var valueElement);
            var hasMerge = root.TryGetProperty("merge", out var mergeElement);
            var isDelete = root.TryGetProperty("delete", out var deleteElement) && deleteElement.ValueKind == JsonValueKind.True;
            if ((hasValue ? 1 : 0) + (hasMerge ? 1 : 0) + (isDelete ? 1 : 0) != 1
                || (hasValue && valueElement.ValueKind != JsonValueKind.String)
                || (hasMerge && mergeElement.ValueKind != JsonValueKind.String))
            {
                return Bad<LoadOp>(number, "expected exactly one of \"value\": hex string, \"merge\": hex string or \"delete\": true");
            }

            return isDelete ? new LoadOp(LoadKind.Delete, key, [])
                : hasValue ? new LoadOp(LoadKind.Put, key, Convert.FromHexString(valueElement.GetString()!))
                : new LoadOp(LoadKind.Merge, key, Convert.FromHexString(mergeElement.GetString()!));
        }
        catch (JsonException e)
        {
            return Bad<LoadOp>(number, $"not JSON ({e.Message})");
        }
        catch (FormatException)
        {
            return Bad<LoadOp>(number, "key and value must be hex strings");
        }
    }

    private static T Bad<T>(long line, string message) =>
        throw new SlateFastException(ErrorKind.Invalid, $"input line {line}: {message}");
}
