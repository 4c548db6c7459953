using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace SlateFast.Cli;

/// <summary>A command of the <c>slatefast</c> tool.</summary>
/// <param name="Path">The words that name it, for example ["store", "check"].</param>
/// <param name="Usage">Arguments and options, shown in help.</param>
/// <param name="Summary">One line on what it does.</param>
/// <param name="Flags">Options that take no value.</param>
/// <param name="Options">Options that take a value.</param>
/// <param name="Run">The handler; returns the exit code.</param>
internal sealed record Command(
    string[] Path,
    string Usage,
    string Summary,
    string[] Flags,
    string[] Options,
    Func<ParsedArgs, CliContext, Task<int>> Run)
{
    public string Name => string.Join(' ', Path);
}

/// <summary>Where a command writes and how it finds defaults.</summary>
/// <param name="Out">Text output.</param>
/// <param name="Error">Messages.</param>
/// <param name="WorkingDirectory">Where relative paths and the default store are.</param>
/// <param name="RawOut">Standard output as bytes, for <c>--output raw</c>; null where there is none.</param>
/// <param name="In">Standard input as bytes, for <c>--value-file -</c>; null where there is none.</param>
/// <param name="Interrupt">Cancelled on Ctrl-C (SIGINT), so long commands can stop at a clean point.</param>
/// <param name="Terminal">Whether messages go to a terminal (progress is drawn only there, unless asked for).</param>
/// <param name="Environment">Environment variables for <c>SLATEDB_</c> settings; null: the process's.</param>
/// <param name="Termination">SIGTERM, which a command that stops cleanly on it arms; null in process (tests cancel <paramref name="Interrupt"/>).</param>
internal sealed record CliContext(TextWriter Out, TextWriter Error, string WorkingDirectory, Stream? RawOut = null, Stream? In = null, CancellationToken Interrupt = default, bool Terminal = false, IReadOnlyDictionary<string, string>? Environment = null, TerminationTrap? Termination = null);

/// <summary>Positional arguments and options of one invocation.</summary>
internal sealed class ParsedArgs
{
    public List<string> Positional { get; } = [];

    public Dictionary<string, string?> Options { get; } = new(StringComparer.Ordinal);

    public bool Has(string flag) => Options.ContainsKey(flag);

    public string? Get(string option) => Options.TryGetValue(option, out var v) ? v : null;
}

/// <summary>
/// Dispatches the command line to a <see cref="Command"/>. The commands are records here; the
/// parsing, per-command help (<c>slatefast put --help</c>), completions and parse errors are
/// System.CommandLine's, built from them, so every command's options behave alike.
/// </summary>
internal static class CommandLine
{
    public static IReadOnlyList<Command> Commands { get; } =
    [
        new(["store", "check"], "[--store URL]",
            "check that an object store does everything SlateFast needs (atomic create, compare-and-swap, ranges, listing, deletes, multipart)",
            [], ["--store"], StoreCommands.CheckAsync),
        new(["info"], "<db> [--store URL]", "the database's SlateDB format level (0.12, 0.13, 0.14), epochs, GC boundaries, fences and segments, and whether SlateFast can write it",
            [], ["--store"], InfoCommands.RunAsync),
        new(["sst", "dump"], "<object> [--store URL] [--limit N] [--blocks]",
            "print an SST's info, stats, index and rows (hex); --blocks adds an annotated hex dump of the blocks",
            ["--blocks"], ["--store", "--limit"], DumpCommands.SstDumpAsync),
        new(["sst", "write"], "<object> (FILE.jsonl | --input FILE.jsonl) [--store URL]",
            "write an SST for ingest from a JSON-lines file of puts, merges and deletes (load's format) in ascending key order",
            [], ["--store", "--input"], WriteCommands.SstWriteAsync),
        new(["manifest", "dump"], "<db> [--store URL] [--id N]",
            "print a database's manifest (the latest, or --id N) as JSON: epochs, WAL ids, L0 and sorted runs, checkpoints",
            [], ["--store", "--id"], AdminCommands.ManifestDumpAsync),
        new(["manifest", "list"], "<db> [--json] [--store URL]",
            "list every manifest version: id, size, time written, whether it decodes (epochs, replay point, tables); --json prints an array; exit 15 (Data) when the latest does not decode",
            ["--json"], ["--store"], ManifestCommands.ListAsync),
        new(["manifest", "rollback"], "<db> --to N [--discard-wal] [--store URL]",
            "write manifest N's state again as the next version, with epochs that fence a running writer and compactor; refused when N does not decode or its SSTs are gone. Stop writers first",
            ["--discard-wal"], ["--store", "--to"], ManifestCommands.RollbackAsync),
        new(["wal", "list"], "<db> [--from-id N] [--to-id N] [--rows] [--store URL] [--wal-store URL]",
            "list the WAL objects (--from-id inclusive, --to-id exclusive): id, size, time; --rows reads each for its row count and sequence numbers",
            ["--rows"], ["--store", "--wal-store", "--from-id", "--to-id"], WalCommands.ListAsync),
        new(["wal", "dump"], "<db> [--from-id N] [--to-id N] [--output jsonl|text|hex] [--store URL] [--wal-store URL]",
            "print the rows of the WAL objects in commit order, one JSON line each: wal_id, seq, kind (value, tombstone, merge), key and value in hex, create_ts, expire_ts",
            [], ["--store", "--wal-store", "--from-id", "--to-id", "--output"], WalCommands.DumpAsync),
        new(["wal", "tail"], "<db> [--from-start | --from-id N | --after-seq N] [--poll-interval 1s] [--limit N] [--output jsonl|text|hex] [--store URL] [--wal-store URL]",
            "follow the WAL like tail -f: print every row writers commit from now on (or from the start, a WAL id, after a sequence number) as wal dump does, until Ctrl-C; never fences a writer; exit 4 (Invalid) when the WAL objects it needs were garbage collected",
            ["--from-start"], ["--store", "--wal-store", "--from-id", "--after-seq", "--poll-interval", "--limit", "--output"], WalCommands.TailAsync),
        new(["put"], "<db> <key> (<value> | --value-file FILE|-) [--settings FILE] [--create] [--store URL] [--wal-store URL] [--hex] [--merge-operator concat] [--format-level detect|0.12|0.13|0.14] [--wal-recovery strict|point-in-time]",
            "write a value under a key and wait until it is durable (key and value are UTF-8, or hex with --hex; --value-file takes the value's bytes from a file or stdin)",
            ["--hex", "--create"], ["--settings", "--segment-extractor", "--wal-recovery", "--store", "--wal-store", "--merge-operator", "--format-level", "--value-file"], WriteCommands.PutAsync),
        new(["merge"], "<db> <key> (<operand> | --value-file FILE|-) --merge-operator concat [--settings FILE] [--create] [--store URL] [--wal-store URL] [--hex] [--wal-recovery strict|point-in-time]",
            "write a merge operand for a key and wait until it is durable; reads fold operands with the named operator",
            ["--hex", "--create"], ["--settings", "--segment-extractor", "--wal-recovery", "--store", "--wal-store", "--merge-operator", "--format-level", "--value-file"], WriteCommands.MergeAsync),
        new(["delete"], "<db> <key> [--settings FILE] [--create] [--store URL] [--wal-store URL] [--hex] [--merge-operator concat] [--format-level detect|0.12|0.13|0.14] [--wal-recovery strict|point-in-time]",
            "delete a key and wait until the delete is durable (the key is UTF-8, or hex with --hex)",
            ["--hex", "--create"], ["--settings", "--segment-extractor", "--wal-recovery", "--store", "--wal-store", "--merge-operator", "--format-level"], WriteCommands.DeleteAsync),
        new(["load"], "<db> (FILE.jsonl | --input FILE.jsonl) [--settings FILE] [--skip N] [--progress] [--create] [--store URL] [--wal-store URL] [--merge-operator concat] [--format-level detect|0.12|0.13|0.14] [--wal-recovery strict|point-in-time]",
            "apply a JSON-lines file in order, {\"key\":hex,\"value\":hex}, {\"key\":hex,\"merge\":hex} or {\"key\":hex,\"delete\":true} per line, in batches of 1000; durable when it returns. Ctrl-C stops after the last whole batch and prints the --skip N that resumes",
            ["--create", "--progress"], ["--settings", "--segment-extractor", "--wal-recovery", "--store", "--wal-store", "--input", "--skip", "--merge-operator", "--format-level"], WriteCommands.LoadAsync),
        new(["ingest"], "<db> <sst>... [--settings FILE] [--source-store URL] [--create] [--store URL] [--wal-store URL] [--merge-operator concat] [--format-level detect|0.12|0.13|0.14] [--wal-recovery strict|point-in-time]",
            "add SSTs written by SstWriter (object paths on the source store, default the database's) atomically at one new sequence number; durable when it returns",
            ["--create"], ["--settings", "--wal-recovery", "--store", "--wal-store", "--source-store", "--merge-operator", "--format-level"], IngestCommands.RunAsync),
        new(["get"], "<db> <key> [--settings FILE] [--output text|hex|raw|jsonl] [--store URL] [--wal-store URL] [--disk-cache DIR] [--hex] [--merge-operator concat] [--wal-recovery strict|point-in-time]",
            "print a key's value (read-only: never fences a running writer); exit 1 when the key has none. text shows UTF-8 as is and other bytes as 0x-prefixed hex; raw writes the bytes alone",
            ["--hex"], ["--settings", "--wal-recovery", "--store", "--wal-store", "--disk-cache", "--merge-operator", "--output"], ReadCommands.GetAsync),
        new(["scan"], "<db> [--settings FILE] [--from K] [--to K] [--prefix P] [--reverse] [--limit N] [--output text|hex|jsonl] [--store URL] [--wal-store URL] [--disk-cache DIR] [--hex] [--merge-operator concat] [--wal-recovery strict|point-in-time]",
            "print the rows of a key range in order (read-only); --from is inclusive, --to exclusive; jsonl prints {\"key\":hex,\"value\":hex} per row",
            ["--hex", "--reverse"], ["--settings", "--wal-recovery", "--store", "--wal-store", "--disk-cache", "--from", "--to", "--prefix", "--limit", "--format", "--output", "--merge-operator"], ReadCommands.ScanAsync),
        new(["checkpoint", "create"], "<db> [--lifetime 15m] [--source ID] [--name N] [--store URL]", "create a checkpoint of the durable state (never fences a running writer); prints its id and manifest", [], ["--store", "--lifetime", "--source", "--name"], CheckpointCommands.CreateAsync),
        new(["checkpoint", "list"], "<db> [--store URL]", "list the checkpoints of the latest manifest: id, manifest, create and expire times, name", [], ["--store"], CheckpointCommands.ListAsync),
        new(["checkpoint", "delete"], "<db> <id> [--store URL]", "delete a checkpoint; exit 1 when there is none with that id", [], ["--store"], CheckpointCommands.DeleteAsync),
        new(["gc"], "<db> [--settings FILE] [--dry-run] [--min-age 300s] [--store URL] [--wal-store URL]", "one garbage collection pass (expired checkpoints, manifests, WAL, compacted SSTs, compactions files); prints what it deleted or would delete", ["--dry-run"], ["--settings", "--store", "--wal-store", "--min-age"], GcCommands.RunAsync),
        new(["clone"], "<parent-db> <clone-db> [--checkpoint ID] [--store URL]", "create a database from a checkpoint of another (a new one if none given) that reads the parent's SSTs in place", [], ["--store", "--checkpoint"], CheckpointCommands.CloneAsync),
        new(["bench"], "[--db PATH] [--store URL] [--disk-cache DIR] [--scale N|tiny|smoke|default|full] [--workloads a,b] [--json FILE] [--keep] [--no-progress] [--tiered]",
            "db_bench-style workloads on SlateFast (fills, reads, scans, durable writers, a Zipf mix): live progress, a results table, JSON; --disk-cache reruns the read workloads after reopening with a cold, then a warm disk cache in DIR",
            ["--keep", "--no-progress", "--tiered"], ["--db", "--store", "--disk-cache", "--scale", "--workloads", "--json"], Bench.BenchCommand.RunAsync),
        new(["compact"], "<db> [--settings FILE] [--store URL] [--full] [--max-sst-size BYTES] [--merge-operator concat]", "claim the compactor epoch and compact until the size-tiered scheduler is caught up (--full: everything into one sorted run)", ["--full"], ["--settings", "--store", "--max-sst-size", "--merge-operator"], CompactCommands.CompactAsync),
        new(["compactor", "run"], "<db> [--store URL] [--poll-interval 5s] [--max-sst-size BYTES] [--merge-operator concat]",
            "run a standalone compactor until SIGINT or SIGTERM (then exit 0): it claims the compactor epoch and compacts the L0 SSTs of writers opened with their own compactor off, logging each compaction on stderr; exit 12 (Closed) when another compactor takes over",
            [], ["--store", "--poll-interval", "--max-sst-size", "--merge-operator"], CompactCommands.RunAsync),
        new(["compactions", "dump"], "<db> [--id N] [--store URL]",
            "print the compactor's state file (the latest, or --id N) as JSON: its epoch and each compaction's sources, destination, outputs and status; exit 1 when there is none",
            [], ["--store", "--id"], AdminCommands.CompactionsDumpAsync),
        new(["seq-to-ts"], "<db> <seq> [--round down|up] [--store URL]",
            "the time (UTC, to the second) sequence number <seq> was written, from the latest manifest's sequence tracker; between samples --round picks the earlier (down) or later one; exit 1 when there is none",
            [], ["--store", "--round"], AdminCommands.SeqToTsAsync),
        new(["ts-to-seq"], "<db> <time> [--round down|up] [--store URL]",
            "the sequence number current at <time> (Unix seconds or ISO 8601), from the latest manifest's sequence tracker; exit 1 when there is none",
            [], ["--store", "--round"], AdminCommands.TsToSeqAsync),
        new(["segments", "list"], "<db> [--store URL]",
            "list the segments of a segmented database (SlateDB 0.13+) from the latest manifest: prefix, L0 SSTs and sorted runs each (never fences a running writer)",
            [], ["--store"], SegmentCommands.ListAsync),
        new(["segments", "drop"], "<db> <prefix> --segment-extractor SPEC [--settings FILE] [--hex] [--store URL] [--wal-store URL]",
            "drop a segment with one manifest write: every key starting with <prefix> goes (opens the writer with the database's extractor, fixed:N or delimiter:C); exit 1 when there is no such segment",
            ["--hex"], ["--settings", "--segment-extractor", "--store", "--wal-store"], SegmentCommands.DropAsync),
        new(["delete-db"], "<db> [--force] [--quiet-period 60s] [--store URL] [--wal-store URL]",
            "delete every object of a database (manifests last; the WAL in --wal-store too); refused while it looks in use (unexpired checkpoints, writes within the quiet period, foreign objects under the path) unless --force; deleting again deletes nothing",
            ["--force"], ["--store", "--wal-store", "--quiet-period"], AdminCommands.DeleteDbAsync),
    ];

    private static readonly ParserConfiguration s_parser = new()
    {
        // A key or value may begin with '@' or bundle letters after '-'; neither is special here.
        ResponseFileTokenReplacer = null,
        EnablePosixBundling = false,
    };

    private static readonly Lazy<Parsed> s_tree = new(BuildTree);

    /// <summary>The System.CommandLine tree: help, completion (the <c>[suggest]</c> directive) and parse errors come from it.</summary>
    internal static RootCommand Root => s_tree.Value.Root;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, string? workingDirectory = null, Stream? rawStdout = null, Stream? stdin = null, CancellationToken interrupt = default, bool terminal = false, IReadOnlyDictionary<string, string>? environment = null, TerminationTrap? termination = null)
    {
        var context = new CliContext(stdout, stderr, workingDirectory ?? Directory.GetCurrentDirectory(), rawStdout, stdin, interrupt, terminal, environment, termination);
        if (args.Length == 0 || args[0] is "--help" or "-h" or "-?" or "help")
        {
            // The overview lists every command with the store URLs and exit codes, which the
            // per-command help does not repeat.
            PrintHelp(stdout);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] is "--version")
        {
            stdout.WriteLine($"slatefast {VersionInfo.Version} (SlateDB {VersionInfo.SlateDbFormat} format)");
            return 0;
        }

        var tree = s_tree.Value;
        var result = tree.Root.Parse(args, s_parser);
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (result.Action is not null && result.Action is not ParseErrorAction && !tree.Commands.ContainsKey(result.CommandResult.Command))
        {
            return await result.InvokeAsync(invocation, interrupt).ConfigureAwait(false); // a directive such as [suggest]
        }

        if (!tree.Commands.TryGetValue(result.CommandResult.Command, out var command))
        {
            stderr.WriteLine($"slatefast: unknown command '{string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))}'");
            PrintHelp(stderr);
            return 2;
        }

        if (result.Action is HelpAction)
        {
            await result.InvokeAsync(invocation, interrupt).ConfigureAwait(false);
            return 0;
        }

        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                stderr.WriteLine($"slatefast {command.Name}: {error.Message}");
            }

            stderr.WriteLine($"usage: slatefast {command.Name} {command.Usage}");
            return 2;
        }

        var parsed = tree.ToParsedArgs(result, command);
        try
        {
            return await command.Run(parsed, context).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"slatefast {command.Name}: {e.Message}");
            stderr.WriteLine($"usage: slatefast {command.Name} {command.Usage}");
            return 2;
        }
        catch (SlateFastException e)
        {
            // The engine names its option; on the command line the fix is a flag.
            var hint = e.Message.StartsWith("merge operator missing", StringComparison.Ordinal) && command.Options.Contains("--merge-operator")
                ? " (on the command line: --merge-operator concat)"
                : string.Empty;
            stderr.WriteLine($"slatefast {command.Name}: {e.Kind}: {e.Message}{hint}");
            return ExitCodes.For(e.Kind);
        }
    }

    private static Parsed BuildTree()
    {
        var root = new RootCommand($"slatefast {VersionInfo.Version}: a SlateDB-compatible LSM key-value store on object storage");
        var parsed = new Parsed(root);
        foreach (var command in Commands)
        {
            System.CommandLine.Command parent = root;
            foreach (var word in command.Path[..^1])
            {
                // Groups ("store", "sst", "manifest", "checkpoint") only hold their subcommands.
                parent = parent.Subcommands.FirstOrDefault(c => c.Name == word) ?? Add(parent, new System.CommandLine.Command(word, $"{word} commands"));
            }

            var leaf = Add(parent, new System.CommandLine.Command(command.Path[^1], $"{command.Summary}\n\nslatefast {command.Name} {command.Usage}"));
            var positional = new Argument<string[]>("args") { Arity = ArgumentArity.ZeroOrMore, Description = PositionalUsage(command.Usage) };
            // Unknown options would otherwise land here as arguments; the old parser refused them too.
            positional.Validators.Add(result =>
            {
                foreach (var token in result.Tokens)
                {
                    if (token.Value.StartsWith("--", StringComparison.Ordinal) && token.Value != "--")
                    {
                        result.AddError($"unknown option {token.Value}");
                    }
                }
            });
            leaf.Add(positional);
            foreach (var flag in command.Flags)
            {
                leaf.Add(new Option<bool>(flag) { Description = OptionHelp.Describe(flag), Arity = ArgumentArity.Zero });
            }

            foreach (var name in command.Options)
            {
                var option = new Option<string>(name) { Description = OptionHelp.Describe(name), HelpName = OptionHelp.ValueName(name) };
                if (OptionHelp.Choices(name) is { } choices)
                {
                    option.CompletionSources.Add(choices);
                }

                leaf.Add(option);
            }

            parsed.Commands[leaf] = command;
            parsed.Positionals[command] = positional;
        }

        return parsed;
    }

    private static System.CommandLine.Command Add(System.CommandLine.Command parent, System.CommandLine.Command child)
    {
        parent.Add(child);
        return child;
    }

    // "<db> <key> (<value> | --value-file FILE|-) [--create] ..." -> "<db> <key> (<value> | --value-file FILE|-)".
    private static string PositionalUsage(string usage)
    {
        var options = usage.IndexOf("[--", StringComparison.Ordinal);
        var text = (options < 0 ? usage : usage[..options]).Trim();
        return text.Length == 0 ? "none" : text;
    }

    /// <summary>The tree and how its commands map back to <see cref="Command"/> records.</summary>
    private sealed class Parsed(RootCommand root)
    {
        public RootCommand Root { get; } = root;

        public Dictionary<System.CommandLine.Command, Command> Commands { get; } = [];

        public Dictionary<Command, Argument<string[]>> Positionals { get; } = [];

        public ParsedArgs ToParsedArgs(ParseResult result, Command command)
        {
            var parsed = new ParsedArgs();
            parsed.Positional.AddRange(result.GetValue(Positionals[command]) ?? []);
            foreach (var child in result.CommandResult.Children.OfType<OptionResult>().Where(o => !o.Implicit))
            {
                var name = child.Option.Name;
                parsed.Options[name] = command.Flags.Contains(name) ? null : child.GetValueOrDefault<string>();
            }

            return parsed;
        }
    }

    private static void PrintHelp(TextWriter w)
    {
        w.WriteLine($"slatefast {VersionInfo.Version}: a SlateDB-compatible LSM key-value store on object storage");
        w.WriteLine();
        w.WriteLine("usage: slatefast <command> [arguments] [options]");
        w.WriteLine();
        w.WriteLine("commands:");
        var width = Commands.Max(c => c.Name.Length);
        foreach (var c in Commands)
        {
            w.WriteLine($"  {c.Name.PadRight(width)}  {c.Summary}");
        }

        w.WriteLine();
        w.WriteLine("Store URLs: file:///abs/path (default: the current folder), memory:///,");
        w.WriteLine("s3://bucket/prefix?endpoint=http://host:port&region=us-east-1 (credentials from the standard AWS sources).");
        w.WriteLine("Run 'slatefast <command> --help' for a command's arguments and options. Shell completion goes");
        w.WriteLine("through System.CommandLine's [suggest] directive (dotnet-suggest).");
        w.WriteLine();
        w.WriteLine("exit codes:");
        foreach (var line in ExitCodes.Describe())
        {
            w.WriteLine($"  {line}");
        }
    }
}

/// <summary>Bad command-line usage: exit code 2 with the usage line.</summary>
internal sealed class UsageException(string message) : Exception(message);
