using SlateFast.Cache;

namespace SlateFast.Tests.Cache;

/// <summary>Keys and self-describing block contents, so any reader can check a block is intact.</summary>
internal static class BlockTestData
{
    public static BlockCacheKey Key(int id) => BlockCacheKey.Compacted(scope: 7, ulid: ((UInt128)0x0192_3456_789A << 80) + (uint)id, offset: id * 4096L);

    public static byte[] Pattern(int id, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((id * 7) + i);
        }

        return bytes;
    }

    public static bool HasPattern(int id, ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)((id * 7) + i))
            {
                return false;
            }
        }

        return true;
    }

    public static BlockLease InsertPattern(this BlockCache cache, int id, int length, BlockKind kind = BlockKind.Data) =>
        cache.Insert(Key(id), kind, Pattern(id, length));

    /// <summary>Peeks without touching CLOCK bits or counters.</summary>
    public static bool Contains(this BlockCache cache, int id, BlockKind kind = BlockKind.Data) => cache.Contains(Key(id), kind);

    public static void Hit(this BlockCache cache, int id, BlockKind kind = BlockKind.Data)
    {
        Assert.True(cache.TryGet(Key(id), kind, out var lease), $"block {id} should be cached");
        lease.Dispose();
    }
}
