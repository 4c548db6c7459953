using SlateFast.Memory;

namespace SlateFast.Memtables;

/// <summary>
/// One memtable: an <see cref="ArenaSkipList"/> in its own <see cref="NativeArena"/>, with the
/// bookkeeping flush and recovery need, and a reference count so the arena is freed only after
/// every reader that could see it is gone.
/// </summary>
/// <remarks>
/// The creator holds the first reference. Readers call <see cref="TryAcquire"/> before touching
/// rows and <see cref="Release"/> after; once the count reaches zero the arena is freed and
/// <see cref="TryAcquire"/> fails, so no reader can reach freed memory.
/// </remarks>
internal sealed class Memtable
{
    // Per-row bytes an SST row costs beyond key and value: varints, seq, flags, two timestamps
    // and its share of the restart array. Used to estimate the L0 size like SlateDB does.
    private const int RowOverheadEstimate = 30;

    private readonly NativeArena _arena;
    private int _references = 1;
    private ulong _minSeq = ulong.MaxValue;
    private ulong _maxSeq;
    private long _lastTick = long.MinValue;

    // Sequence-tracker samples of the commits into this memtable (SlateDB records them per
    // memtable and merges them into the manifest's tracker with its L0), at most one a minute.
    // Written under the database's commit lock; read by the flush once the memtable is frozen.
    private List<Manifest.SequenceSample>? _samples;
    private long _nextSampleSecond = long.MinValue;

    /// <summary>A memtable of <paramref name="arenaCapacity"/> native bytes whose skiplist draws its heights from <paramref name="heightSeed"/> (null: a random seed).</summary>
    public Memtable(long arenaCapacity, ulong? heightSeed = null)
    {
        _arena = new NativeArena(arenaCapacity);
        Rows = new ArenaSkipList(_arena, heightSeed ?? (ulong)Random.Shared.NextInt64());
    }

    public ArenaSkipList Rows { get; }

    /// <summary>Native bytes reserved for this memtable.</summary>
    public long Capacity => _arena.Capacity;

    /// <summary>An estimate of the encoded size of this memtable as an SST.</summary>
    public long EstimatedSize => Rows.KeyBytes + Rows.ValueBytes + (Rows.Count * RowOverheadEstimate);

    public bool IsEmpty => Rows.Count == 0;

    public ulong MinSeq => Volatile.Read(ref _minSeq);

    public ulong MaxSeq => Volatile.Read(ref _maxSeq);

    /// <summary>The largest create timestamp of the rows (the memtable's last clock tick).</summary>
    public long LastTick => Volatile.Read(ref _lastTick);

    public int References => Volatile.Read(ref _references);

    /// <summary>The highest WAL id whose rows all lie in this and older memtables (set when it freezes).</summary>
    public ulong LastWalId { get; set; }

    /// <summary>With the WAL disabled, durable writers wait on this until the memtable is an L0 SST.</summary>
    public Wal.DurabilityTicket FlushTicket { get; } = new();

    /// <summary>Completes when the memtable is an L0 SST listed in the manifest.</summary>
    public TaskCompletionSource Flushed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The sequence-tracker samples of the commits into this memtable, oldest first.</summary>
    public IReadOnlyList<Manifest.SequenceSample> SequenceSamples => (IReadOnlyList<Manifest.SequenceSample>?)_samples ?? [];

    /// <summary>
    /// Records that commit <paramref name="seq"/> happened at <paramref name="unixMs"/>, when a
    /// minute has passed since the last sample: one comparison per commit otherwise.
    /// </summary>
    public void TrackSequence(ulong seq, long unixMs)
    {
        var second = unixMs / 1000;
        if (second < _nextSampleSecond)
        {
            return;
        }

        (_samples ??= []).Add(new Manifest.SequenceSample(seq, second));
        _nextSampleSecond = second + Manifest.SequenceTracker.IntervalSeconds;
    }

    public InsertResult Insert(ReadOnlySpan<byte> key, ulong seq, byte flags, ReadOnlySpan<byte> value, long createTs, long expireTs)
    {
        var result = Rows.Insert(key, seq, flags, value, createTs, expireTs);
        if (result == InsertResult.Inserted)
        {
            Atomic.Max(ref _maxSeq, seq);
            Atomic.Min(ref _minSeq, seq);
            Atomic.Max(ref _lastTick, createTs);
        }

        return result;
    }

    /// <summary>Takes a reference unless the memtable is already released.</summary>
    public bool TryAcquire() => Atomic.TryAddReference(ref _references);

    /// <summary>Drops a reference; the last one frees the arena.</summary>
    public void Release()
    {
        var remaining = Interlocked.Decrement(ref _references);
        if (remaining == 0)
        {
            _arena.Dispose();
        }
        else if (remaining < 0)
        {
            ThrowHelper.Internal("memtable released more often than acquired");
        }
    }
}
