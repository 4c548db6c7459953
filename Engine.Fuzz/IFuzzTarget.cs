namespace SlateFast.Fuzz;

/// <summary>
/// One decoder under fuzz. <see cref="Run"/> may return normally or throw a
/// <see cref="SlateFastException"/> of kind <see cref="ErrorKind.Data"/>; any other outcome
/// (another exception, another kind, a broken invariant, a hang) is a finding.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>Short name used on the command line, e.g. <c>bloom</c> or <c>decompress-zstd</c>.</summary>
    string Name { get; }

    /// <summary>Decodes <paramref name="input"/> and exercises the result.</summary>
    void Run(ReadOnlySpan<byte> input);

    /// <summary>Well-formed inputs to start mutating from.</summary>
    IEnumerable<byte[]> Seeds();
}
