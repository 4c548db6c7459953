using System.Diagnostics;

namespace SlateFast.Fuzz;

/// <summary>
/// Mutates a target's seeds (and inputs it accepted) for a time or iteration budget, classifying
/// every run: accepted, rejected as <see cref="ErrorKind.Data"/>, or a finding.
/// </summary>
internal sealed class FuzzRunner(FindingWriter findings, TextWriter log, TimeSpan hangTimeout)
{
    private const int MaxCorpus = 512;
    private const int MaxFindingsPerTarget = 20;

    private readonly Lock _watch = new();
    private IFuzzTarget? _current;
    private byte[]? _currentInput;
    private long _currentStarted;
    private int _currentSeed;
    private long _currentIteration;

    /// <summary>
    /// Fuzzes one target, starting from its own seeds plus <paramref name="extraSeeds"/> (e.g. from
    /// <c>--corpus</c>); returns what ran and how many distinct findings were written.
    /// </summary>
    public FuzzStats Run(IFuzzTarget target, int seed, TimeSpan duration, long maxIterations, IReadOnlyList<byte[]>? extraSeeds = null)
    {
        var random = new Random(seed);
        var mutator = new Mutator(random);
        var corpus = target.Seeds().ToList();
        corpus.AddRange(extraSeeds ?? []);
        int seedCount = corpus.Count;
        var signatures = new HashSet<string>(StringComparer.Ordinal);
        long accepted = 0;
        long rejected = 0;
        long iteration = 0;
        int found = 0;
        var clock = Stopwatch.StartNew();

        using var watchdog = new Timer(_ => CheckForHang(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        // Seeds first, unmutated: a seed that fails is a finding too, and says the target is broken.
        var queue = new Queue<byte[]>(corpus);
        if (corpus.Count == 0)
        {
            corpus.Add([]);
        }

        while (found < MaxFindingsPerTarget && (queue.Count > 0 || (clock.Elapsed < duration && iteration < maxIterations)))
        {
            byte[] input = queue.Count > 0 ? queue.Dequeue() : mutator.Mutate(corpus[random.Next(corpus.Count)], corpus);
            string? failure = Execute(target, input, seed, iteration, out bool wasAccepted);
            if (failure is null)
            {
                if (wasAccepted)
                {
                    accepted++;
                    // Inputs the decoder accepted are closer to valid; they make good parents.
                    if (corpus.Count < MaxCorpus && random.Next(8) == 0)
                    {
                        corpus.Add(input);
                    }
                }
                else
                {
                    rejected++;
                }
            }
            else if (signatures.Add(Signature(failure)))
            {
                found++;
                string stem = findings.Write(target, input, failure, seed, iteration);
                log.WriteLine($"  FINDING in {target.Name} at iteration {iteration}: {FirstLine(failure)}");
                log.WriteLine($"    written to {stem}.txt / .bin");
            }

            iteration++;
        }

        var stats = new FuzzStats(target.Name, seed, seedCount, iteration, accepted, rejected, corpus.Count, found, clock.Elapsed);
        log.WriteLine(stats.ToString());
        return stats;
    }

    /// <summary>Runs one input; null when the outcome is allowed, else a description of the failure.</summary>
    public string? Execute(IFuzzTarget target, byte[] input, int seed, long iteration, out bool accepted)
    {
        lock (_watch)
        {
            _current = target;
            _currentInput = input;
            _currentSeed = seed;
            _currentIteration = iteration;
            _currentStarted = Stopwatch.GetTimestamp();
        }

        accepted = false;
        try
        {
            accepted = FuzzContract.Run(target, input);
            return null;
        }
        catch (Exception ex)
        {
            return ex.ToString();
        }
        finally
        {
            lock (_watch)
            {
                _current = null;
            }
        }
    }

    private void CheckForHang()
    {
        lock (_watch)
        {
            if (_current is null || Stopwatch.GetElapsedTime(_currentStarted) < hangTimeout)
            {
                return;
            }

            // The stuck call cannot be interrupted; record it and end the process with a failure code.
            string stem = findings.Write(_current, _currentInput!, $"hang: still running after {hangTimeout.TotalSeconds:F0} s", _currentSeed, _currentIteration);
            log.WriteLine($"  FINDING in {_current.Name}: hang at iteration {_currentIteration}; written to {stem}.txt / .bin");
            log.Flush();
            Environment.Exit(1);
        }
    }

    private static string Signature(string failure)
    {
        // Exception type plus the innermost frame: the same bug reached by different inputs counts once.
        string[] lines = failure.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string type = lines[0].Split(':')[0];
        string frame = lines.FirstOrDefault(l => l.StartsWith("at ", StringComparison.Ordinal)) ?? string.Empty;
        return type + "|" + frame;
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline].TrimEnd();
    }
}
