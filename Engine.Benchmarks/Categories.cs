namespace SlateFast.Benchmarks;

/// <summary>
/// The areas benchmarks are grouped by (one folder each), for
/// <c>--anyCategories Format</c> / <c>--allCategories Db</c>. Every benchmark class carries
/// exactly one area; <see cref="Regression"/> marks the fixed suite of scripts/perf-regression.
/// </summary>
internal static class Categories
{
    public const string Memtable = "Memtable";
    public const string Format = "Format";
    public const string Sst = "Sst";
    public const string Cache = "Cache";
    public const string Db = "Db";

    /// <summary>C ABI call overhead (Engine.Native); its benchmarks are added with the C ABI.</summary>
    public const string Native = "Native";

    public const string Regression = "Regression";
}
