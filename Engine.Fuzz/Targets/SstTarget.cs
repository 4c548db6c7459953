using SlateFast.Fuzz.Seeds;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Opens a whole SST through the public <see cref="SstReader"/> over an in-memory store, reads every
/// row, seeks and looks up keys. Runs twice: on the input as is (so checksums guard it) and, when
/// they differ, on a copy whose checksums <see cref="SstChecksums"/> recomputed (so mutations reach
/// the decoders behind them). The repaired copy's outcome is the run's, so an input whose structure
/// decodes counts as accepted and becomes a parent for further mutations.
/// </summary>
/// <remarks>
/// WAL SSTs refuse point lookups and seeks with <see cref="ErrorKind.Invalid"/> by design; that, and
/// only that, is an expected outcome besides <see cref="ErrorKind.Data"/>.
/// </remarks>
internal sealed class SstTarget : IFuzzTarget
{
    public const string TargetName = "sst";
    private const string Path = "fuzz/input.sst";

    /// <summary>Keys looked up: from the rows read, their neighbours and raw slices of the input.</summary>
    private const int MaxLookups = 8;

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        byte[] bytes = input.ToArray();
        byte[]? repaired = SstChecksums.Repair(bytes);
        if (repaired is null)
        {
            Exercise(bytes);
            return;
        }

        try
        {
            Exercise(bytes);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            // Expected: a checksum caught the mutation. The outcome of the run is the repaired copy's.
        }

        Exercise(repaired);
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.Ssts;

    private static void Exercise(byte[] sst) => ExerciseAsync(sst).AsTask().GetAwaiter().GetResult();

    private static async ValueTask ExerciseAsync(byte[] sst)
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync(Path, sst).ConfigureAwait(false);
        var reader = await SstReader.OpenAsync(store, Path).ConfigureAwait(false);
        var properties = reader.Properties;
        _ = reader.Blocks;

        var keys = new List<byte[]>();
        long rows = 0;
        await foreach (var row in reader.ReadRowsAsync().ConfigureAwait(false))
        {
            if (rows++ % 7 == 0 && keys.Count < MaxLookups / 2)
            {
                keys.Add(row.Key);
            }
        }

        keys.Add(sst[..Math.Min(sst.Length, 6)]);
        if (properties.FirstEntry is { } first)
        {
            keys.Add(first);
            keys.Add([.. first, 0]);
        }

        if (properties.LastEntry is { } last)
        {
            keys.Add(last);
        }

        foreach (byte[] key in keys.Take(MaxLookups))
        {
            reader.MightContain(key);
            await ExpectInvalidIfWal(properties, async () =>
            {
                await reader.GetAsync(key).ConfigureAwait(false);
                await reader.GetAsync(key, maxSeq: 1).ConfigureAwait(false);
                await foreach (var unused in reader.ReadRowsAsync(key).ConfigureAwait(false))
                {
                    break;
                }
            }).ConfigureAwait(false);
        }
    }

    private static async ValueTask ExpectInvalidIfWal(SstProperties properties, Func<ValueTask> lookup)
    {
        try
        {
            await lookup().ConfigureAwait(false);
            if (properties.IsWal)
            {
                throw new InvalidOperationException("a point lookup or seek on a WAL SST did not throw Invalid");
            }
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Invalid && properties.IsWal)
        {
        }
    }
}
