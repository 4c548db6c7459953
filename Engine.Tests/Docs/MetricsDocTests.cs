using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SlateFast.Diagnostics;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Docs;

/// <summary>
/// docs/metrics.md lists exactly the instruments the engine publishes on the SlateFast meter,
/// each with the unit the code gives it: an instrument added without its line, or a line left
/// behind by a removed instrument, fails here.
/// </summary>
public sealed partial class MetricsDocTests
{
    [Fact]
    public async Task Every_instrument_of_the_SlateFast_meter_is_documented_with_its_unit_and_nothing_else_is()
    {
        var published = await PublishedInstrumentsAsync();
        var documented = Row().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "metrics.md")))
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["unit"].Value);

        Assert.Empty(published.Keys.Except(documented.Keys).Order());
        Assert.Empty(documented.Keys.Except(published.Keys).Order());
        foreach (var (name, unit) in published)
        {
            Assert.True(documented[name] == unit, $"docs/metrics.md gives {name} the unit {documented[name]}; the code says {unit}");
        }
    }

    /// <summary>Every instrument on the meter, by name, with its unit.</summary>
    private static async Task<Dictionary<string, string>> PublishedInstrumentsAsync()
    {
        // Instruments are created by the static initializers of the classes that own them: run
        // every such initializer (a class holding an instrument in a static field), then use a
        // database so that those creating theirs in a static constructor alone run too.
        foreach (var type in typeof(DbHandle).Assembly.GetTypes())
        {
            if (!type.ContainsGenericParameters && type.GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)
                .Any(f => typeof(Instrument).IsAssignableFrom(f.FieldType)))
            {
                RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            }
        }

        await using (var db = await DbHandle.OpenAsync("metrics-doc", new InMemoryObjectStore()))
        {
            await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
            await db.FlushAsync(FlushType.MemTable);
            _ = await db.GetAsync("k"u8.ToArray());
        }

        var instruments = new Dictionary<string, string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == SlateFastMetrics.MeterName)
                {
                    lock (instruments)
                    {
                        instruments[instrument.Name] = instrument.Unit ?? string.Empty;
                    }
                }
            },
        };
        // Start reports every instrument created so far, then any created later.
        listener.Start();
        return instruments;
    }

    // A table row of the doc: | `slatefast.x` | kind | `unit` | ...
    [GeneratedRegex(@"^\| `(?<name>slatefast\.[a-z0-9_.]+)` \| [a-z]+ \| `(?<unit>[^`]*)` \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
