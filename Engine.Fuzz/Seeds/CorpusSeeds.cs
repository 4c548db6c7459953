using SlateFast.Format;
using SlateFast.Fuzz.Targets;
using SlateFast.Manifest;

namespace SlateFast.Fuzz.Seeds;

/// <summary>
/// Seeds from folders given with <c>--corpus</c>, typically a database tree written by real SlateDB:
/// every <c>*.sst</c> (whole, and cut into blocks and info/index/stats/filter sections),
/// <c>*.manifest</c> (whole, its flatbuffer body and its sequence tracker) and <c>*.compactions</c>
/// file, each routed to the targets that decode it.
/// </summary>
internal sealed class CorpusSeeds
{
    /// <summary>Larger files would be cut by the mutator's 1 MiB limit at once; they still give their pieces.</summary>
    private const int MaxWholeFileSeed = 1 << 20;

    private readonly Dictionary<string, List<byte[]>> _byTarget = new(StringComparer.Ordinal);

    public static CorpusSeeds Empty { get; } = new();

    public int FileCount { get; private set; }

    public IReadOnlyList<byte[]> For(string target) => _byTarget.TryGetValue(target, out var seeds) ? seeds : [];

    public static CorpusSeeds Load(IEnumerable<string> folders, TextWriter log)
    {
        var corpus = new CorpusSeeds();
        foreach (string folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"--corpus folder '{folder}' does not exist");
            }

            foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                corpus.AddFile(file, log);
            }
        }

        string counts = string.Join(", ", corpus._byTarget.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value.Count}"));
        log.WriteLine($"corpus: {corpus.FileCount} files -> {(counts.Length == 0 ? "no seeds" : counts)}");
        return corpus;
    }

    private void AddFile(string file, TextWriter log)
    {
        string extension = Path.GetExtension(file);
        if (extension is not (".sst" or ".manifest" or ".compactions"))
        {
            return;
        }

        FileCount++;
        byte[] bytes = File.ReadAllBytes(file);
        switch (extension)
        {
            case ".sst":
                AddSst(file, bytes, log);
                break;
            case ".manifest":
                AddManifest(file, bytes, log);
                break;
            default:
                Add(CompactionsTarget.TargetName, bytes);
                if (bytes.Length > 2)
                {
                    Add(FlatBuffersTarget.TargetName, bytes[2..]);
                }

                break;
        }
    }

    private void AddSst(string file, byte[] bytes, TextWriter log)
    {
        if (bytes.Length <= MaxWholeFileSeed)
        {
            Add(SstTarget.TargetName, bytes);
        }

        if (SstPieces.Cut(bytes) is not { } pieces)
        {
            log.WriteLine($"corpus: {file} does not open as an SST; used whole only");
            return;
        }

        foreach (byte[] block in pieces.Blocks)
        {
            Add(BlockTarget.NameFor(pieces.Format), block);
        }

        Add(SstInfoTarget.TargetName, pieces.Info);
        Add(SstIndexTarget.TargetName, pieces.Index);
        Add(FlatBuffersTarget.TargetName, pieces.Info);
        Add(FlatBuffersTarget.TargetName, pieces.Index);
        if (pieces.Stats is { } stats)
        {
            Add(SstStatsTarget.TargetName, stats);
            Add(FlatBuffersTarget.TargetName, stats);
        }

        if (pieces.Filter is { } filter)
        {
            Add(BloomFilterTarget.TargetName, filter);
        }
    }

    private void AddManifest(string file, byte[] bytes, TextWriter log)
    {
        Add(ManifestTarget.TargetName, bytes);
        if (bytes.Length > 2)
        {
            Add(FlatBuffersTarget.TargetName, bytes[2..]);
        }

        try
        {
            Add(SequenceTrackerTarget.TargetName, SequenceTrackerCodec.Encode(ManifestCodec.Decode(bytes).SequenceTracker));
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            log.WriteLine($"corpus: {file} does not decode as a manifest ({e.Message}); used whole only");
        }
    }

    private void Add(string target, byte[] seed)
    {
        if (!_byTarget.TryGetValue(target, out var seeds))
        {
            _byTarget[target] = seeds = [];
        }

        seeds.Add(seed);
    }
}
