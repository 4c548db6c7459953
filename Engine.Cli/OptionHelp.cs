using System.CommandLine.Completions;

namespace SlateFast.Cli;

/// <summary>
/// What each option means, once for every command that takes it, so `--store` reads the same in
/// every command's help; and the values an option accepts, offered as completions.
/// </summary>
internal static class OptionHelp
{
    private static readonly Dictionary<string, (string Description, string? Value, string[]? Choices)> s_options = new(StringComparer.Ordinal)
    {
        ["--store"] = ("the object store URL: file:///abs/path (default: the current folder), memory:///, s3://bucket/prefix?endpoint=...&region=...", "URL", null),
        ["--wal-store"] = ("a separate object store for the WAL (SlateDB's wal_object_store)", "URL", null),
        ["--source-store"] = ("the store the SSTs to ingest are on (default: the database's)", "URL", null),
        ["--disk-cache"] = ("keep compacted SSTs read from the store in a local folder (SlateDB's object_store_cache_options)", "DIR", null),
        ["--create"] = ("create the database when there is none", null, null),
        ["--hex"] = ("keys and values on the command line are hex, not UTF-8", null, null),
        ["--merge-operator"] = ("the merge operator reads fold operands with", "NAME", ["concat"]),
        ["--format-level"] = ("the SlateDB format to write: detect (from the database), 0.12, 0.13, 0.14 or 0.15", "LEVEL", ["detect", "0.12", "0.13", "0.14", "0.15"]),
        ["--segment-extractor"] = ("the segment extractor of a segmented database (SlateDB 0.13+): fixed:N (the first N bytes) or delimiter:C (up to the first C), optionally @NAME; give it when creating the database and ever after", "SPEC", null),
        ["--wal-recovery"] = ("what replay does at a damaged WAL object: strict refuses, point-in-time stops before it", "MODE", ["strict", "point-in-time"]),
        ["--value-file"] = ("take the value's bytes from FILE, or from standard input with -", "FILE", null),
        ["--input"] = ("the JSON-lines input file", "FILE", null),
        ["--skip"] = ("skip the first N lines (what an interrupted load printed)", "N", null),
        ["--progress"] = ("print progress while loading", null, null),
        ["--output"] = ("how values print: text, hex, raw (bytes alone) or jsonl", "FORMAT", ["text", "hex", "raw", "jsonl"]),
        ["--format"] = ("the same as --output", "FORMAT", ["text", "hex", "jsonl"]),
        ["--from"] = ("the first key of the range (inclusive)", "KEY", null),
        ["--to"] = ("scan: the end of the range (exclusive); manifest rollback: the manifest id to roll back to", "KEY|N", null),
        ["--prefix"] = ("only keys that start with P", "P", null),
        ["--reverse"] = ("from the last key down", null, null),
        ["--limit"] = ("at most N rows", "N", null),
        ["--blocks"] = ("add an annotated hex dump of the blocks", null, null),
        ["--id"] = ("the manifest or compactions file version (default: the latest)", "N", null),
        ["--discard-wal"] = ("drop WAL objects written after the manifest", null, null),
        ["--lifetime"] = ("how long the checkpoint lives, e.g. 15m (default: until deleted)", "DURATION", null),
        ["--source"] = ("the checkpoint to copy (default: the current state)", "ID", null),
        ["--name"] = ("a name to find the checkpoint by", "NAME", null),
        ["--checkpoint"] = ("the parent checkpoint to clone from (default: a new one)", "ID", null),
        ["--dry-run"] = ("print what would be deleted, delete nothing", null, null),
        ["--min-age"] = ("delete only objects older than this, e.g. 300s", "DURATION", null),
        ["--from-id"] = ("the first WAL id (inclusive)", "N", null),
        ["--to-id"] = ("the WAL id to stop before (exclusive)", "N", null),
        ["--rows"] = ("read each WAL object for its row count and sequence numbers", null, null),
        ["--from-start"] = ("start at the oldest WAL object still in the store", null, null),
        ["--after-seq"] = ("start after this sequence number (resume after the last commit processed)", "N", null),
        ["--poll-interval"] = ("how often to look for new WAL objects once caught up, e.g. 1s", "DURATION", null),
        ["--db"] = ("the folder the benchmark databases go in (default: ./slatefast-bench)", "PATH", null),
        ["--scale"] = ("the benchmark's size: a factor, or tiny, smoke, default or full", "N", ["tiny", "smoke", "default", "full"]),
        ["--workloads"] = ("run only these workloads, comma-separated", "a,b", null),
        ["--json"] = ("bench: also write the results as JSON to FILE; manifest list: print JSON instead of text", "FILE", null),
        ["--keep"] = ("keep the benchmark databases", null, null),
        ["--no-progress"] = ("no live progress bar", null, null),
        ["--tiered"] = ("compact with the tiered scheduler", null, null),
        ["--full"] = ("compact everything into one sorted run", null, null),
        ["--max-sst-size"] = ("the largest SST compaction writes", "BYTES", null),
        ["--settings"] = ("a SlateDB-style settings file (.json, .toml, .yaml) with the database's options; SLATEDB_ environment variables override it, flags override both (docs/settings.md)", "FILE", null),
        ["--poll-interval"] = ("how often the compactor reads the manifest for new work, e.g. 5s", "DURATION", null),
        ["--round"] = ("between two samples of the sequence tracker, take the earlier (down, default) or the later (up)", "DIRECTION", ["down", "up"]),
        ["--force"] = ("delete even when the database looks in use", null, null),
        ["--quiet-period"] = ("a manifest or WAL object newer than this means a writer is active, e.g. 60s", "DURATION", null),
    };

    public static string Describe(string option) =>
        s_options.TryGetValue(option, out var help) ? help.Description : option[2..].Replace('-', ' ');

    public static string? ValueName(string option) => s_options.TryGetValue(option, out var help) ? help.Value : null;

    /// <summary>The option's accepted values as completions, or null when any value goes.</summary>
    public static Func<CompletionContext, IEnumerable<CompletionItem>>? Choices(string option) =>
        s_options.TryGetValue(option, out var help) && help.Choices is { } choices
            ? _ => choices.Select(c => new CompletionItem(c))
            : null;
}
