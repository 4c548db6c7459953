using System.Reflection;
using SlateFast.Format.FlatBuffers;
using SlateFast.Fuzz.Seeds;
using SlateFast.Manifest;
using SlateFast.Sst;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Runs the flatbuffer verifier on the input with every table schema SlateFast knows (SST and
/// manifest files, and every nested table as a root). Each schema's verdict is independent; the
/// input counts as accepted when any schema verified it.
/// </summary>
internal sealed class FlatBuffersTarget : IFuzzTarget
{
    public const string TargetName = "flatbuffers";

    /// <summary>Every public static schema of <see cref="SstSchemas"/>, <see cref="ManifestSchemas"/> and <see cref="CompactionsSchemas"/>, so new tables are fuzzed without listing them here.</summary>
    private static readonly FlatTableSchema[] s_schemas =
        [.. new[] { typeof(SstSchemas), typeof(ManifestSchemas), typeof(CompactionsSchemas) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(FlatTableSchema))
            .Select(f => (FlatTableSchema)f.GetValue(null)!)];

    public string Name => TargetName;

    public static IReadOnlyList<FlatTableSchema> Schemas => s_schemas;

    public void Run(ReadOnlySpan<byte> input)
    {
        SlateFastException? rejected = null;
        bool anyVerified = false;
        foreach (var schema in s_schemas)
        {
            try
            {
                FlatBufferVerifier.Verify(input, schema, schema.Name);
                anyVerified = true;
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
                rejected ??= e;
            }
        }

        if (!anyVerified && rejected is not null)
        {
            throw rejected;
        }
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.FlatBuffers();
}
