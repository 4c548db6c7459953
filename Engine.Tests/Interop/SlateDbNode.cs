using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SlateFast.Tests.Interop;

/// <summary>
/// Runs tools/slatedb-interop/slatedb.mjs, which drives the real SlateDB 0.12.1 engine
/// (npm @slatedb/uniffi) in a Node child process, and parses what it prints.
/// </summary>
public static class SlateDbNode
{
    /// <summary>Generous: a cold `npm ci` or a slow compactor on a loaded 2-core box must not flake.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static volatile bool installed;

    /// <summary>tools/slatedb-interop.</summary>
    public static string ToolDirectory => Path.Combine(Support.RepoPaths.Root, "tools", "slatedb-interop");

    private static string Script => Path.Combine(ToolDirectory, "slatedb.mjs");

    private static string NodeExecutable => Environment.GetEnvironmentVariable("SLATEFAST_NODE") ?? "node";

    private static string NpmExecutable => OperatingSystem.IsWindows() ? "npm.cmd" : "npm";

    /// <summary>
    /// Runs `npm ci` in the tool folder once if the engine package is missing. Test processes
    /// may start in parallel (several test hosts, IDEs), so the install is serialised by a
    /// lock file in the temp folder as well as in-process.
    /// </summary>
    public static async Task EnsureInstalledAsync(CancellationToken cancellationToken = default)
    {
        if (installed)
        {
            return;
        }

        await InstallGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!installed)
            {
                await InstallUnderFileLockAsync(cancellationToken).ConfigureAwait(false);
                installed = true;
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static bool PackagePresent() =>
        File.Exists(Path.Combine(ToolDirectory, "node_modules", "@slatedb", "uniffi", "package.json"));

    private static async Task InstallUnderFileLockAsync(CancellationToken cancellationToken)
    {
        if (PackagePresent())
        {
            return;
        }

        // string.GetHashCode is randomised per process; the name must agree across processes
        var pathHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToolDirectory)))[..16];
        var lockPath = Path.Combine(Path.GetTempPath(), $"slatefast-npm-ci-{pathHash}.lock");
        using var fileLock = await AcquireFileLockAsync(lockPath, DefaultTimeout, cancellationToken).ConfigureAwait(false);
        if (PackagePresent())
        {
            return; // another process installed it while we waited
        }

        var psi = NodeProcess.StartInfo(NpmExecutable, ToolDirectory, ["ci", "--no-audit", "--no-fund"]);
        var result = await NodeProcess.RunAsync(psi, DefaultTimeout, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 || !PackagePresent())
        {
            throw new SlateDbNodeException(
                $"`npm ci` in {ToolDirectory} failed (exit {result.ExitCode}).\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var wait = 50; ; wait = Math.Min(wait * 2, 1000))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // held by another process: back off and retry (this waits for npm, it asserts nothing)
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs `node slatedb.mjs args...`; throws with the captured stderr on a non-zero exit.</summary>
    public static async Task<NodeProcessResult> RunAsync(
        IEnumerable<string> args,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        await EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);
        var psi = NodeProcess.StartInfo(NodeExecutable, ToolDirectory, [Script, .. args]);
        var result = await NodeProcess.RunAsync(psi, timeout ?? DefaultTimeout, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new SlateDbNodeException(
                $"`{NodeProcess.Describe(psi)}` exited with {result.ExitCode}.\nstderr:\n{result.Stderr}");
        }

        return result;
    }

    /// <summary>Writes database `kind` under `root` with real SlateDB (db path = kind unless given).</summary>
    public static async Task<SlateDbGenerated> GenerateAsync(
        string root,
        string kind,
        int? seed = null,
        string? codec = null,
        int? blockSize = null,
        long? l0SstSize = null,
        string? dbPath = null,
        CancellationToken cancellationToken = default)
    {
        List<string> args = ["generate", root, kind];
        AddOption(args, "--seed", seed);
        AddOption(args, "--codec", codec);
        AddOption(args, "--block-size", blockSize);
        AddOption(args, "--l0-sst-size", l0SstSize);
        AddOption(args, "--db-path", dbPath);
        var result = await RunAsync(args, cancellationToken: cancellationToken).ConfigureAwait(false);
        return SlateDbOutput.ParseGenerated(result.Stdout);
    }

    /// <summary>
    /// Full or ranged scan by a fresh DbReader process. Without a checkpoint the helper reads a
    /// copy, so the database is not modified (a DbReader would add and remove a checkpoint).
    /// </summary>
    public static async Task<IReadOnlyList<SlateDbRow>> ScanAsync(
        string root,
        string dbPath,
        string? checkpointId = null,
        string? mergeOperator = null,
        bool reverse = false,
        byte[]? from = null,
        byte[]? to = null,
        string? walRoot = null,
        bool writer = false,
        CancellationToken cancellationToken = default)
    {
        List<string> args = ["scan", root, dbPath];
        AddOption(args, "--wal-root", walRoot);
        if (writer)
        {
            args.Add("--writer");
        }

        AddOption(args, "--checkpoint", checkpointId);
        AddOption(args, "--merge-operator", mergeOperator);
        AddOption(args, "--from", from is null ? null : Convert.ToHexStringLower(from));
        AddOption(args, "--to", to is null ? null : Convert.ToHexStringLower(to));
        if (reverse)
        {
            args.Add("--reverse");
        }

        var result = await RunAsync(args, cancellationToken: cancellationToken).ConfigureAwait(false);
        return SlateDbOutput.ParseRows(result.Stdout);
    }

    /// <summary>Point reads by a fresh DbReader process; null for an absent key.</summary>
    public static async Task<IReadOnlyList<byte[]?>> GetAsync(
        string root,
        string dbPath,
        IEnumerable<byte[]> keys,
        string? checkpointId = null,
        string? mergeOperator = null,
        CancellationToken cancellationToken = default)
    {
        List<string> args = ["get", root, dbPath];
        AddOption(args, "--checkpoint", checkpointId);
        AddOption(args, "--merge-operator", mergeOperator);
        args.AddRange(keys.Select(Convert.ToHexStringLower));
        var result = await RunAsync(args, cancellationToken: cancellationToken).ConfigureAwait(false);
        return SlateDbOutput.ParseGets(result.Stdout);
    }

    /// <summary>
    /// Opens the database as a SlateDB writer (fencing any other writer), applies `ops` in
    /// order (each its own seq, or one WriteBatch), flushes and shuts down.
    /// </summary>
    public static async Task<SlateDbWriteResult> WriteAsync(
        string root,
        string dbPath,
        IEnumerable<SlateDbWriteOp> ops,
        string? mergeOperator = null,
        bool asOneBatch = false,
        bool flushMemtable = true,
        string? walRoot = null,
        CancellationToken cancellationToken = default)
    {
        var input = Path.Combine(Path.GetTempPath(), $"slatefast-interop-ops-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(input, ops.Select(o => o.ToJsonLine()), cancellationToken).ConfigureAwait(false);
        try
        {
            List<string> args = ["write", root, dbPath, "--input", input, "--flush", flushMemtable ? "memtable" : "wal"];
            AddOption(args, "--merge-operator", mergeOperator);
            AddOption(args, "--wal-root", walRoot);
            if (asOneBatch)
            {
                args.Add("--batch");
            }

            var result = await RunAsync(args, cancellationToken: cancellationToken).ConfigureAwait(false);
            return SlateDbOutput.ParseWritten(result.Stdout);
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>Starts a SlateDB writer that stays open and does one durable put per request.</summary>
    public static async Task<SlateDbHeldWriter> HoldWriterAsync(
        string root,
        string dbPath,
        CancellationToken cancellationToken = default)
    {
        await EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);
        var psi = NodeProcess.StartInfo(NodeExecutable, ToolDirectory, [Script, "hold-writer", root, dbPath]);
        return await SlateDbHeldWriter.StartAsync(psi, DefaultTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Leaves a DbReader checkpoint in the manifest (the reader process exits without shutdown)
    /// and returns it.
    /// </summary>
    public static async Task<SlateDbCheckpointInfo> PinCheckpointAsync(
        string root,
        string dbPath,
        TimeSpan lifetime,
        CancellationToken cancellationToken = default)
    {
        var ms = ((long)lifetime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var result = await RunAsync(["pin-checkpoint", root, dbPath, "--lifetime-ms", ms], cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        using var doc = JsonDocument.Parse(result.Stdout);
        return SlateDbManifestSummary.ParseCheckpoint(doc.RootElement);
    }

    private static void AddOption<T>(List<string> args, string name, T? value)
    {
        if (value is not null)
        {
            args.Add(name);
            args.Add(Convert.ToString(value, CultureInfo.InvariantCulture)!);
        }
    }
}
