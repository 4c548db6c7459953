namespace SlateFast.GarbageCollection;

/// <summary>The kinds of object the collector deletes, each with its own interval and minimum age.</summary>
internal enum GcKind
{
    Manifest,
    Wal,
    Compacted,
    Compactions,
}
