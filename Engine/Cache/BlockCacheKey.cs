using System.Runtime.CompilerServices;

namespace SlateFast.Cache;

/// <summary>
/// Names one block: the store it belongs to, the SST and the block's byte offset in the SST.
/// </summary>
/// <remarks>
/// Compacted SSTs are named by 128-bit ULIDs and WAL SSTs by 64-bit counters; the WAL flag lives
/// in the offset's sign bit so WAL SST 5 never meets a compacted SST whose ULID is 5, and the
/// key stays 32 bytes. <see cref="Scope"/> keeps databases that share one cache apart.
/// </remarks>
internal readonly struct BlockCacheKey : IEquatable<BlockCacheKey>
{
    private const ulong WalFlag = 1UL << 63;

    private readonly ulong _scope;
    private readonly UInt128 _sstId;
    private readonly ulong _offsetAndWal;

    private BlockCacheKey(ulong scope, UInt128 sstId, long offset, bool wal)
    {
        if (offset < 0)
        {
            ThrowHelper.Invalid($"block offset must be >= 0, was {offset}");
        }

        _scope = scope;
        _sstId = sstId;
        _offsetAndWal = (ulong)offset | (wal ? WalFlag : 0);
    }

    /// <summary>A block of a compacted SST (<c>compacted/&lt;ulid&gt;.sst</c>).</summary>
    public static BlockCacheKey Compacted(ulong scope, UInt128 ulid, long offset) => new(scope, ulid, offset, wal: false);

    /// <summary>A block of a WAL SST (<c>wal/&lt;id&gt;.sst</c>).</summary>
    public static BlockCacheKey Wal(ulong scope, ulong walId, long offset) => new(scope, walId, offset, wal: true);

    /// <summary>The store or database the SST belongs to.</summary>
    public ulong Scope => _scope;

    /// <summary>The ULID of a compacted SST, or the id of a WAL SST.</summary>
    public UInt128 SstId => _sstId;

    public bool IsWal => (_offsetAndWal & WalFlag) != 0;

    public long Offset => (long)(_offsetAndWal & ~WalFlag);

    /// <summary>
    /// A 64-bit mix of all fields: the low half is the dictionary hash, the high half picks the shard,
    /// so the two never correlate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Hash64()
    {
        // Multiply-xorshift rounds: a handful of cycles, and every input bit reaches the high bits.
        var h = (_scope ^ (ulong)(_sstId >> 64)) * 0x9E3779B97F4A7C15UL;
        h = (h ^ (ulong)_sstId ^ (h >> 29)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ _offsetAndWal ^ (h >> 32)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }

    public bool Equals(BlockCacheKey other) =>
        _scope == other._scope && _sstId == other._sstId && _offsetAndWal == other._offsetAndWal;

    public override bool Equals(object? obj) => obj is BlockCacheKey other && Equals(other);

    public override int GetHashCode() => (int)Hash64();

    public override string ToString() =>
        IsWal ? $"{_scope}:wal/{(ulong)_sstId}@{Offset}" : $"{_scope}:compacted/{_sstId:X32}@{Offset}";

    public static bool operator ==(BlockCacheKey left, BlockCacheKey right) => left.Equals(right);

    public static bool operator !=(BlockCacheKey left, BlockCacheKey right) => !left.Equals(right);
}
