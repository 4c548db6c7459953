namespace SlateFast;

/// <summary>
/// Garbage collection of one kind of object (SlateDB's <c>GarbageCollectorDirectoryOptions</c>):
/// how often a pass runs and how old an object must be before it may go.
/// </summary>
public sealed record GarbageCollectorDirectoryOptions
{
    /// <summary>Time between passes (SlateDB: 60 s); null: no recurring pass, only explicit ones.</summary>
    public TimeSpan? Interval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Objects younger than this are never deleted (SlateDB: 300 s). WAL objects, manifests and
    /// compactions files are aged by their modification time, compacted SSTs by their ULID time.
    /// </summary>
    public TimeSpan MinAge { get; init; } = TimeSpan.FromSeconds(300);

    internal void Validate(string kind)
    {
        if (Interval is { } interval && interval <= TimeSpan.Zero)
        {
            ThrowHelper.Invalid($"invalid GarbageCollectorOptions.{kind}.Interval ({interval}): must be positive when set");
        }

        if (MinAge < TimeSpan.Zero)
        {
            ThrowHelper.Invalid($"invalid GarbageCollectorOptions.{kind}.MinAge ({MinAge}): must not be negative");
        }
    }
}

/// <summary>
/// The garbage collector's settings per kind of object (SlateDB's <c>GarbageCollectorOptions</c>);
/// a null kind is never collected. Defaults: every kind, each every 60 s, objects at least 300 s old.
/// </summary>
public sealed record GarbageCollectorOptions
{
    /// <summary>Old manifest versions no checkpoint pins.</summary>
    public GarbageCollectorDirectoryOptions? Manifest { get; init; } = new();

    /// <summary>WAL objects wholly contained in L0 and not needed by any checkpoint.</summary>
    public GarbageCollectorDirectoryOptions? Wal { get; init; } = new();

    /// <summary>Compacted SSTs (L0 and sorted runs) that neither the latest manifest nor a checkpoint references.</summary>
    public GarbageCollectorDirectoryOptions? Compacted { get; init; } = new();

    /// <summary>Compactions files other than the latest.</summary>
    public GarbageCollectorDirectoryOptions? Compactions { get; init; } = new();

    /// <summary>Every kind with the same <paramref name="minAge"/> and <paramref name="interval"/>.</summary>
    public static GarbageCollectorOptions All(TimeSpan minAge, TimeSpan? interval = null)
    {
        var kind = new GarbageCollectorDirectoryOptions { MinAge = minAge, Interval = interval };
        return new GarbageCollectorOptions { Manifest = kind, Wal = kind, Compacted = kind, Compactions = kind };
    }

    internal void Validate()
    {
        Manifest?.Validate(nameof(Manifest));
        Wal?.Validate(nameof(Wal));
        Compacted?.Validate(nameof(Compacted));
        Compactions?.Validate(nameof(Compactions));
    }
}
