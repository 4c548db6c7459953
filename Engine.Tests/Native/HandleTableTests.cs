using SlateFast.Native;

namespace SlateFast.Tests.Native;

public sealed class HandleTableTests
{
    [Fact]
    public void A_live_token_finds_its_object_and_only_as_its_own_type()
    {
        var table = new HandleTable();
        var target = new object();
        var token = table.Add("a string");
        var other = table.Add(target);

        Assert.Equal(HandleState.Live, table.TryGet<string>(token, out var found));
        Assert.Equal("a string", found);
        Assert.Equal(HandleState.Invalid, table.TryGet<Version>(token, out _));
        Assert.Equal(HandleState.Live, table.TryGet<object>(other, out var same));
        Assert.Same(target, same);
        Assert.NotEqual(0, token);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)]
    [InlineData(0x0000_0002_0000_0001L)]
    [InlineData(0x0000_0001_7FFF_FFFFL)]
    [InlineData(0x0DEA_DBEE_FCAF_E000L)]
    public void Null_and_forged_tokens_are_invalid(long forged)
    {
        var table = new HandleTable();
        table.Add("live");

        Assert.Equal(HandleState.Invalid, table.TryGet<string>((nint)forged, out _));
        Assert.Null(table.Free<string>((nint)forged, out _));
    }

    [Fact]
    public void A_retired_token_reports_closed_until_freed_then_invalid()
    {
        var table = new HandleTable();
        var token = table.Add("db");

        Assert.True(table.Retire(token, "db", reusable: false));
        Assert.False(table.Retire(token, "db", reusable: false));
        Assert.Equal(HandleState.Closed, table.TryGet<string>(token, out _));
        Assert.Equal("db", table.Free<string>(token, out var wasLive));
        Assert.False(wasLive);
        Assert.Equal(HandleState.Invalid, table.TryGet<string>(token, out _));
        Assert.Null(table.Free<string>(token, out _));
    }

    [Fact]
    public void A_reused_slot_gets_a_new_generation_so_old_tokens_stay_invalid()
    {
        var table = new HandleTable();
        var first = table.Add("first");
        Assert.NotNull(table.Free<string>(first, out _));
        var later = Enumerable.Range(0, HandleTable.ReuseAfter + 2).Select(i => table.Add($"filler {i}")).ToList();
        foreach (var token in later)
        {
            table.Free<string>(token, out _);
        }

        var reused = Enumerable.Range(0, HandleTable.ReuseAfter + 2).Select(i => table.Add($"reuse {i}")).ToList();

        Assert.Contains(reused, t => (uint)t == (uint)first); // the slot came back ...
        Assert.DoesNotContain(first, reused);                  // ... under another generation
        Assert.Equal(HandleState.Invalid, table.TryGet<string>(first, out _));
    }

    [Fact]
    public void Concurrent_adds_lookups_and_frees_never_confuse_objects()
    {
        var table = new HandleTable();
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var value = $"{worker}:{i}";
                var token = table.Add(value);
                Assert.Equal(HandleState.Live, table.TryGet<string>(token, out var found));
                Assert.Same(value, found);
                Assert.Same(value, table.Free<string>(token, out _));
                Assert.Equal(HandleState.Invalid, table.TryGet<string>(token, out _));
            }
        });
        Assert.Equal(0, table.LiveCount);
    }
}
