using SlateFast.Memory;
using SlateFast.Memtables;

namespace SlateFast.Tests.Memtables;

public sealed class MemtableTests
{
    [Fact]
    public void The_arena_is_freed_only_when_the_last_reference_is_released()
    {
        var before = NativeMemoryTracker.Bytes;
        var memtable = new SlateFast.Memtables.Memtable(1 << 20);
        Assert.True(memtable.TryAcquire());

        memtable.Release();
        Assert.Equal(1, memtable.References);
        Assert.True(memtable.TryAcquire());
        memtable.Release();
        memtable.Release();

        Assert.Equal(0, memtable.References);
        Assert.False(memtable.TryAcquire());
        Assert.Throws<SlateFastException>(() => memtable.Release());
        _ = before;
    }

    [Fact]
    public void Bookkeeping_tracks_sequence_range_last_tick_and_estimated_size()
    {
        var memtable = new SlateFast.Memtables.Memtable(1 << 20);
        memtable.Insert("a"u8, 5, 0x04, new byte[100], createTs: 1000, expireTs: 0);
        memtable.Insert("b"u8, 3, 0x04, new byte[50], createTs: 900, expireTs: 0);
        memtable.Insert("c"u8, 9, 0x05, ReadOnlySpan<byte>.Empty, createTs: 1100, expireTs: 0);

        Assert.Equal(3UL, memtable.MinSeq);
        Assert.Equal(9UL, memtable.MaxSeq);
        Assert.Equal(1100, memtable.LastTick);
        Assert.InRange(memtable.EstimatedSize, 153, 153 + (3 * 64));
        Assert.False(memtable.IsEmpty);
        memtable.Release();
    }
}
