namespace SlateFast.Tests.Iterators;

public sealed class KeyRangeTests
{
    [Fact]
    public void A_start_after_the_end_is_invalid()
    {
        var e = Assert.Throws<SlateFastException>(() => new KeyRange(KeyBound.Included(B("b")), KeyBound.Included(B("a"))));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public void An_empty_bound_key_is_invalid()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => new KeyRange(KeyBound.Included([]), KeyBound.Unbounded)).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => new KeyRange(KeyBound.Unbounded, KeyBound.Excluded([]))).Kind);
    }

    [Fact]
    public void Inclusive_and_exclusive_bounds_keep_or_drop_their_key()
    {
        var range = new KeyRange(KeyBound.Excluded(B("b")), KeyBound.Included(B("d")));
        Assert.False(range.Contains(B("b")));
        Assert.True(range.Contains(B("b\0")));
        Assert.True(range.Contains(B("d")));
        Assert.False(range.Contains(B("d\0")));
        Assert.True(KeyRange.Between(B("b"), B("d")).Contains(B("b")));
        Assert.False(KeyRange.Between(B("b"), B("d")).Contains(B("d")));
    }

    [Fact]
    public void Equal_bounds_with_an_exclusion_make_a_valid_empty_range()
    {
        var range = new KeyRange(KeyBound.Included(B("k")), KeyBound.Excluded(B("k")));
        Assert.False(range.Contains(B("k")));
        Assert.True(range.IsEmpty);
        Assert.True(new KeyRange(KeyBound.Included(B("k")), KeyBound.Included(B("k"))).Contains(B("k")));
    }

    [Fact]
    public void A_prefix_range_holds_exactly_the_keys_with_the_prefix()
    {
        var range = KeyRange.Prefix([0x61, 0xFF]);
        Assert.True(range.Contains([0x61, 0xFF]));
        Assert.True(range.Contains([0x61, 0xFF, 0xFF, 0x01]));
        Assert.False(range.Contains([0x62]));
        Assert.False(range.Contains([0x61, 0xFE]));
        Assert.True(KeyRange.Prefix([0xFF, 0xFF]).Contains([0xFF, 0xFF, 0x00]));
    }

    [Fact]
    public void The_empty_prefix_is_every_key()
    {
        Assert.True(KeyRange.Prefix([]).IsAll);
        Assert.True(KeyRange.Prefix([]).Contains([0x00]));
    }

    [Fact]
    public void Bounds_copy_their_key()
    {
        var key = B("a");
        var bound = KeyBound.Included(key);
        key[0] = (byte)'z';
        Assert.Equal(B("a"), bound.Key.ToArray());
    }
}
