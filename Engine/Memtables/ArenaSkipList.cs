using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SlateFast.Memory;

namespace SlateFast.Memtables;

/// <summary>How <see cref="ArenaSkipList.Insert"/> ended.</summary>
internal enum InsertResult
{
    Inserted,

    /// <summary>A row with the same key and sequence number is already present; nothing changed.</summary>
    Duplicate,

    /// <summary>The arena cannot hold the row; the memtable must freeze and the row go to a new one.</summary>
    ArenaFull,
}

/// <summary>
/// A lock-free skiplist whose nodes, keys and values live in one <see cref="NativeArena"/>,
/// ordered by user key ascending then sequence number descending (newest version first), which is
/// the order of rows in an SST. Several threads may insert at once; readers never block and see
/// only fully linked nodes.
/// </summary>
/// <remarks>
/// <para>Node layout (offsets in bytes): 0 seq u64, 8 create_ts i64, 16 expire_ts i64, 24 value
/// length u32, 28 key length u16, 30 row flags u8 (as stored in SST rows), 31 height u8, 32 the
/// tower of next offsets (u32 per level, only as many levels as the node has), then the key, then
/// the value. One allocation per row, one atomic add.</para>
/// <para>A node's fields are written before it is published by the compare-and-swap of its
/// level-0 link (a full fence); readers load links with acquire semantics, so a reader that
/// reaches a node sees it complete. Upper levels are linked afterwards and only speed searches up.</para>
/// <para>Reverse steps search from the top (O(log n)) rather than keeping back links: reverse
/// scans are rarer than inserts, and back links would double the CAS work of every insert.</para>
/// </remarks>
internal sealed unsafe class ArenaSkipList
{
    public const int MaxHeight = 20;
    private const int HeaderSize = 32;
    private const int SeqOffset = 0;
    private const int CreateTsOffset = 8;
    private const int ExpireTsOffset = 16;
    private const int ValueLengthOffset = 24;
    private const int KeyLengthOffset = 28;
    private const int FlagsOffset = 30;
    private const int HeightOffset = 31;

    private readonly NativeArena _arena;
    private readonly uint _head;
    private int _height = 1;
    private long _count;
    private long _keyBytes;
    private long _valueBytes;

    // The state of the height source: a splitmix64 counter, advanced atomically so concurrent
    // inserts need no lock; seeded, so one thread's inserts build the same towers every run.
    private ulong _heightState;

    public ArenaSkipList(NativeArena arena, ulong heightSeed = 0)
    {
        _arena = arena;
        _heightState = heightSeed;
        _head = arena.Allocate(HeaderSize + (MaxHeight * sizeof(uint)));
        if (_head == 0)
        {
            throw new ArgumentException("arena too small for the skiplist head", nameof(arena));
        }

        var head = arena.At(_head);
        new Span<byte>(head, HeaderSize + (MaxHeight * sizeof(uint))).Clear();
        head[HeightOffset] = MaxHeight;
    }

    /// <summary>Rows inserted.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Sum of key lengths of the rows inserted.</summary>
    public long KeyBytes => Interlocked.Read(ref _keyBytes);

    /// <summary>Sum of value lengths of the rows inserted.</summary>
    public long ValueBytes => Interlocked.Read(ref _valueBytes);

    /// <summary>Arena bytes used, nodes included.</summary>
    public long ArenaBytes => _arena.Used;

    /// <summary>The arena bytes a row needs at most (tallest tower), to size a fresh arena for it.</summary>
    public static long MaxNodeSize(int keyLength, long valueLength) =>
        HeaderSize + (MaxHeight * sizeof(uint)) + keyLength + valueLength + NativeArena.Alignment;

    public InsertResult Insert(ReadOnlySpan<byte> key, ulong seq, byte flags, ReadOnlySpan<byte> value, long createTs, long expireTs)
    {
        Span<uint> prevs = stackalloc uint[MaxHeight];
        Span<uint> nexts = stackalloc uint[MaxHeight];
        var listHeight = Volatile.Read(ref _height);
        if (FindSplice(key, seq, listHeight, prevs, nexts))
        {
            return InsertResult.Duplicate;
        }

        var height = RandomHeight();
        var towerBytes = height * sizeof(uint);
        var node = _arena.Allocate(HeaderSize + towerBytes + key.Length + (long)value.Length);
        if (node == 0)
        {
            return InsertResult.ArenaFull;
        }

        var p = _arena.At(node);
        Unsafe.WriteUnaligned(p + SeqOffset, seq);
        Unsafe.WriteUnaligned(p + CreateTsOffset, createTs);
        Unsafe.WriteUnaligned(p + ExpireTsOffset, expireTs);
        Unsafe.WriteUnaligned(p + ValueLengthOffset, (uint)value.Length);
        Unsafe.WriteUnaligned(p + KeyLengthOffset, (ushort)key.Length);
        p[FlagsOffset] = flags;
        p[HeightOffset] = (byte)height;
        key.CopyTo(new Span<byte>(p + HeaderSize + towerBytes, key.Length));
        value.CopyTo(new Span<byte>(p + HeaderSize + towerBytes + key.Length, value.Length));

        // Raise the list height first, so levels above the old height start from the head.
        while (height > listHeight)
        {
            var seen = Interlocked.CompareExchange(ref _height, height, listHeight);
            if (seen == listHeight)
            {
                break;
            }

            listHeight = seen;
        }

        for (var level = 0; level < height; level++)
        {
            uint prev = level < prevs.Length && prevs[level] != 0 ? prevs[level] : _head;
            uint next = prevs[level] != 0 ? nexts[level] : 0;
            while (true)
            {
                // The levels above the height seen at search time have no splice yet.
                Tower(node)[level] = next;
                if (Interlocked.CompareExchange(ref Tower(prev)[level], node, next) == next)
                {
                    Diagnostics.Invariants.Check((prev == _head || Compare(prev, key, seq) < 0) && (next == 0 || Compare(next, key, seq) > 0), "a skiplist node links between a smaller and a larger (key, seq)");
                    break;
                }

                // Somebody linked a node between prev and next: search again from prev.
                if (FindSpliceForLevel(key, seq, level, prev, out prev, out next))
                {
                    // Only possible at level 0 (upper levels are linked after level 0 succeeded).
                    return InsertResult.Duplicate;
                }
            }
        }

        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _keyBytes, key.Length);
        Interlocked.Add(ref _valueBytes, value.Length);
        return InsertResult.Inserted;
    }

    /// <summary>The first node in order, or 0 when empty.</summary>
    public uint First() => Next(_head);

    /// <summary>The node after <paramref name="node"/>, or 0 at the end.</summary>
    public uint Next(uint node) => Volatile.Read(ref Tower(node)[0]);

    /// <summary>The last node, or 0 when empty.</summary>
    public uint Last()
    {
        var x = _head;
        for (var level = Volatile.Read(ref _height) - 1; level >= 0; level--)
        {
            for (var next = Volatile.Read(ref Tower(x)[level]); next != 0; next = Volatile.Read(ref Tower(x)[level]))
            {
                x = next;
            }
        }

        return x == _head ? 0 : x;
    }

    /// <summary>The first node at or after (key, seq) in (key asc, seq desc) order, or 0.</summary>
    public uint SeekGE(ReadOnlySpan<byte> key, ulong seq)
    {
        // A node inserted after the descent ended may now sit between the predecessor found and
        // the target: re-reading the predecessor's link would return it instead of the target (a
        // point read then saw "no such key" and fell through to an older memtable). Step over it.
        var next = Next(Before(key, seq));
        while (next != 0 && Compare(next, key, seq) < 0)
        {
            next = Next(next);
        }

        return next;
    }

    /// <summary>The last node before (key, seq), or 0.</summary>
    public uint SeekLT(ReadOnlySpan<byte> key, ulong seq)
    {
        var x = Before(key, seq);
        return x == _head ? 0 : x;
    }

    /// <summary>The node before <paramref name="node"/>, or 0 at the start.</summary>
    public uint Prev(uint node) => SeekLT(KeyOf(node), SeqOf(node));

    /// <summary>The newest row of <paramref name="key"/> with a sequence number at most <paramref name="maxSeq"/>, or 0.</summary>
    public uint FindLatest(ReadOnlySpan<byte> key, ulong maxSeq)
    {
        var node = SeekGE(key, maxSeq);
        return node != 0 && KeyOf(node).SequenceEqual(key) ? node : 0;
    }

    public ReadOnlySpan<byte> KeyOf(uint node)
    {
        var p = _arena.At(node);
        return new ReadOnlySpan<byte>(p + HeaderSize + (p[HeightOffset] * sizeof(uint)), Unsafe.ReadUnaligned<ushort>(p + KeyLengthOffset));
    }

    public ReadOnlySpan<byte> ValueOf(uint node)
    {
        var p = _arena.At(node);
        var keyLength = Unsafe.ReadUnaligned<ushort>(p + KeyLengthOffset);
        var valueLength = Unsafe.ReadUnaligned<uint>(p + ValueLengthOffset);
        return new ReadOnlySpan<byte>(p + HeaderSize + (p[HeightOffset] * sizeof(uint)) + keyLength, checked((int)valueLength));
    }

    public ulong SeqOf(uint node) => Unsafe.ReadUnaligned<ulong>(_arena.At(node) + SeqOffset);

    public byte FlagsOf(uint node) => _arena.At(node)[FlagsOffset];

    public long CreateTsOf(uint node) => Unsafe.ReadUnaligned<long>(_arena.At(node) + CreateTsOffset);

    public long ExpireTsOf(uint node) => Unsafe.ReadUnaligned<long>(_arena.At(node) + ExpireTsOffset);

    // The last node strictly before (key, seq), or the head.
    private uint Before(ReadOnlySpan<byte> key, ulong seq)
    {
        var x = _head;
        for (var level = Volatile.Read(ref _height) - 1; level >= 0; level--)
        {
            for (var next = Volatile.Read(ref Tower(x)[level]); next != 0 && Compare(next, key, seq) < 0; next = Volatile.Read(ref Tower(x)[level]))
            {
                x = next;
            }
        }

        return x;
    }

    // Fills prevs/nexts for every level below listHeight; levels above stay 0 (meaning: head, nil).
    // Returns true if a node with the same key and seq exists.
    private bool FindSplice(ReadOnlySpan<byte> key, ulong seq, int listHeight, Span<uint> prevs, Span<uint> nexts)
    {
        prevs.Clear();
        nexts.Clear();
        var prev = _head;
        var found = false;
        for (var level = listHeight - 1; level >= 0; level--)
        {
            found |= FindSpliceForLevel(key, seq, level, prev, out prev, out var next);
            prevs[level] = prev;
            nexts[level] = next;
        }

        return found;
    }

    private bool FindSpliceForLevel(ReadOnlySpan<byte> key, ulong seq, int level, uint start, out uint prev, out uint next)
    {
        prev = start;
        while (true)
        {
            next = Volatile.Read(ref Tower(prev)[level]);
            if (next == 0)
            {
                return false;
            }

            var cmp = Compare(next, key, seq);
            if (cmp >= 0)
            {
                return cmp == 0;
            }

            prev = next;
        }
    }

    // Sign of node versus (key, seq): key ascending, then seq descending.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Compare(uint node, ReadOnlySpan<byte> key, ulong seq)
    {
        var cmp = KeyOf(node).SequenceCompareTo(key);
        if (cmp != 0)
        {
            return cmp;
        }

        var nodeSeq = SeqOf(node);
        return nodeSeq > seq ? -1 : nodeSeq < seq ? 1 : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<uint> Tower(uint node)
    {
        var p = _arena.At(node);
        return new Span<uint>(p + HeaderSize, p[HeightOffset]);
    }

    // Geometric heights with p = 1/4: two random bits per level.
    private int RandomHeight()
    {
        var z = Interlocked.Add(ref _heightState, 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        var bits = (uint)(z ^ (z >> 31)) | (1u << 30);
        var height = 1 + (BitOperations.TrailingZeroCount(bits) / 2);
        return Math.Min(height, MaxHeight);
    }
}
