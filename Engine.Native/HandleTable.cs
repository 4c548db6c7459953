namespace SlateFast.Native;

/// <summary>What a token names in a <see cref="HandleTable"/>.</summary>
internal enum HandleState
{
    /// <summary>A live object of the asked-for type.</summary>
    Live,

    /// <summary>A slot whose object was closed and not yet freed or reused (a closed database, or a child closed with it).</summary>
    Closed,

    /// <summary>NULL, forged, stale (the slot was reused), freed, or an object of another type.</summary>
    Invalid,
}

/// <summary>
/// Maps the opaque pointers handed to C callers to managed objects. A token is
/// <c>(generation &lt;&lt; 32) | (slot + 1)</c>: never 0, never a real address, and checked on
/// every call, so a stale, forged or NULL handle is an error instead of a crash.
/// </summary>
/// <remarks>
/// Lookups take no lock: each slot holds an immutable entry replaced atomically, so a reader sees
/// an old or a new entry, never half of one. Adds and retirements take a lock. Freed slots are
/// reused first-in first-out and only once <see cref="ReuseAfter"/> are waiting, so a just-closed
/// handle keeps answering "closed" for a while before it turns stale. The table knows no types:
/// databases, readers, iterators, snapshots, transactions and batches share it.
/// </remarks>
internal sealed class HandleTable
{
    internal const int ReuseAfter = 256;
    private readonly Lock _lock = new();
    private readonly Queue<int> _free = new();
    private Entry?[] _slots = new Entry?[64];
    private int _used;

    /// <summary>A slot's content: the live object or the tombstone of a closed one, and the generation both carry.</summary>
    private sealed record Entry(object? Target, object? Tombstone, uint Generation, bool Queued = false);

    /// <summary>Live objects in the table.</summary>
    public int LiveCount
    {
        get
        {
            var slots = Volatile.Read(ref _slots);
            var n = 0;
            foreach (var e in slots)
            {
                n += e?.Target is null ? 0 : 1;
            }

            return n;
        }
    }

    /// <summary>Stores <paramref name="target"/> and returns its token.</summary>
    public nint Add(object target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_lock)
        {
            int index;
            uint generation;
            if (_free.Count > ReuseAfter)
            {
                index = _free.Dequeue();
                var previous = _slots[index]!.Generation;
                generation = previous == uint.MaxValue ? 1 : previous + 1;
            }
            else
            {
                if (_used == _slots.Length)
                {
                    if (_used >= int.MaxValue / 2)
                    {
                        ThrowHelper.Invalid("too many open handles");
                    }

                    var grown = new Entry?[_slots.Length * 2];
                    Array.Copy(_slots, grown, _slots.Length);
                    Volatile.Write(ref _slots, grown);
                }

                index = _used++;
                generation = 1;
            }

            Volatile.Write(ref _slots[index], new Entry(target, null, generation));
            return Token(index, generation);
        }
    }

    /// <summary>Finds the live <typeparamref name="T"/> a token names.</summary>
    public HandleState TryGet<T>(nint token, out T target)
        where T : class
    {
        target = null!;
        var entry = Find(token);
        if (entry is null)
        {
            return HandleState.Invalid;
        }

        if (entry.Target is T live)
        {
            target = live;
            return HandleState.Live;
        }

        return entry.Tombstone is T ? HandleState.Closed : HandleState.Invalid;
    }

    /// <summary>
    /// Replaces the live <paramref name="target"/> by a tombstone: later lookups of the token say
    /// <see cref="HandleState.Closed"/> until <see cref="Free"/> or reuse. False when the token no
    /// longer names that object (another thread retired it first).
    /// </summary>
    public bool Retire(nint token, object target, bool reusable)
    {
        lock (_lock)
        {
            var entry = Find(token);
            if (entry is null || !ReferenceEquals(entry.Target, target))
            {
                return false;
            }

            _slots[Index(token)] = entry with { Target = null, Tombstone = target, Queued = reusable };
            if (reusable)
            {
                _free.Enqueue(Index(token));
            }

            return true;
        }
    }

    /// <summary>
    /// Frees the slot of a live object or of a tombstone of type <typeparamref name="T"/>; the
    /// token is stale from then on. Returns what the slot held, or null when the token named
    /// nothing of that type.
    /// </summary>
    public T? Free<T>(nint token, out bool wasLive)
        where T : class
    {
        wasLive = false;
        lock (_lock)
        {
            var entry = Find(token);
            var found = entry?.Target as T ?? entry?.Tombstone as T;
            if (found is null || entry!.Queued)
            {
                return null;
            }

            wasLive = entry.Target is not null;
            _slots[Index(token)] = entry with { Target = null, Tombstone = null };
            _free.Enqueue(Index(token));
            return found;
        }
    }

    private Entry? Find(nint token)
    {
        var raw = (ulong)token;
        var index = (long)(uint)raw - 1;
        var generation = (uint)(raw >> 32);
        var slots = Volatile.Read(ref _slots);
        if (index < 0 || index >= slots.Length)
        {
            return null;
        }

        var entry = Volatile.Read(ref slots[index]);
        return entry is not null && entry.Generation == generation && generation != 0 ? entry : null;
    }

    private static int Index(nint token) => (int)(uint)(ulong)token - 1;

    private static nint Token(int index, uint generation) => (nint)(((ulong)generation << 32) | (uint)(index + 1));
}
