using SlateFast.Format;

namespace SlateFast.Iterators;

/// <summary>
/// A two-way cursor over rows stored in (key asc, seq desc) order — one SST or a sorted run —
/// clipped to a key range: rows outside <see cref="Range"/> do not exist for its callers.
/// </summary>
/// <remarks>
/// Subclasses implement the unclipped moves; this class turns them into clipped ones. A move
/// returns whether the cursor is on a row. <see cref="CursorRowSource"/> turns a cursor into an
/// <see cref="IRowSource"/> in either direction.
/// </remarks>
internal abstract class SortedCursor : IAsyncDisposable
{
    protected SortedCursor(KeyRange range) => Range = range;

    public KeyRange Range { get; }

    public abstract bool IsValid { get; }

    public abstract ReadOnlySpan<byte> Key { get; }

    public abstract ReadOnlySpan<byte> Value { get; }

    public abstract ulong Seq { get; }

    public abstract RowKind Kind { get; }

    public abstract long? CreateTs { get; }

    public abstract long? ExpireTs { get; }

    /// <summary>The first row in range.</summary>
    public async ValueTask<bool> FirstAsync()
    {
        var start = Range.Start;
        var found = start.Kind switch
        {
            KeyBoundKind.Included => await RawSeekGEAsync(start.Key).ConfigureAwait(false),
            KeyBoundKind.Excluded => await SkipKeyForwardAsync(await RawSeekGEAsync(start.Key).ConfigureAwait(false), start.Key).ConfigureAwait(false),
            _ => await RawFirstAsync().ConfigureAwait(false),
        };
        return ClipEnd(found);
    }

    /// <summary>The last row in range (the oldest version of the largest key).</summary>
    public async ValueTask<bool> LastAsync()
    {
        var end = Range.End;
        var found = end.Kind switch
        {
            KeyBoundKind.Included => await RawSeekLEAsync(end.Key).ConfigureAwait(false),
            KeyBoundKind.Excluded => await SkipKeyBackwardAsync(await RawSeekLEAsync(end.Key).ConfigureAwait(false), end.Key).ConfigureAwait(false),
            _ => await RawLastAsync().ConfigureAwait(false),
        };
        return ClipStart(found);
    }

    /// <summary>The first row in range whose key is &gt;= <paramref name="key"/>.</summary>
    public async ValueTask<bool> SeekGEAsync(ReadOnlyMemory<byte> key) => Range.IsBeforeStart(key.Span)
        ? await FirstAsync().ConfigureAwait(false)
        : ClipEnd(await RawSeekGEAsync(key).ConfigureAwait(false));

    /// <summary>The last row in range whose key is &lt;= <paramref name="key"/> (that key's oldest version).</summary>
    public async ValueTask<bool> SeekLEAsync(ReadOnlyMemory<byte> key) => Range.IsAfterEnd(key.Span)
        ? await LastAsync().ConfigureAwait(false)
        : ClipStart(await RawSeekLEAsync(key).ConfigureAwait(false));

    // Next and Prev run per row: answer synchronous moves without a second state machine.
    public ValueTask<bool> NextAsync()
    {
        var move = RawNextAsync();
        return move.IsCompletedSuccessfully ? new ValueTask<bool>(ClipEnd(move.Result)) : AwaitClipEnd(move);
    }

    public ValueTask<bool> PrevAsync()
    {
        var move = RawPrevAsync();
        return move.IsCompletedSuccessfully ? new ValueTask<bool>(ClipStart(move.Result)) : AwaitClipStart(move);
    }

    public abstract ValueTask DisposeAsync();

    protected abstract ValueTask<bool> RawFirstAsync();

    protected abstract ValueTask<bool> RawLastAsync();

    /// <summary>The first row whose key is &gt;= <paramref name="key"/>.</summary>
    protected abstract ValueTask<bool> RawSeekGEAsync(ReadOnlyMemory<byte> key);

    /// <summary>The last row whose key is &lt;= <paramref name="key"/>.</summary>
    protected abstract ValueTask<bool> RawSeekLEAsync(ReadOnlyMemory<byte> key);

    protected abstract ValueTask<bool> RawNextAsync();

    protected abstract ValueTask<bool> RawPrevAsync();

    /// <summary>Makes the cursor invalid (clipped off the range).</summary>
    protected abstract void Invalidate();

    private async ValueTask<bool> SkipKeyForwardAsync(bool valid, ReadOnlyMemory<byte> key)
    {
        while (valid && Key.SequenceEqual(key.Span))
        {
            valid = await RawNextAsync().ConfigureAwait(false);
        }

        return valid;
    }

    private async ValueTask<bool> SkipKeyBackwardAsync(bool valid, ReadOnlyMemory<byte> key)
    {
        while (valid && Key.SequenceEqual(key.Span))
        {
            valid = await RawPrevAsync().ConfigureAwait(false);
        }

        return valid;
    }

    private async ValueTask<bool> AwaitClipEnd(ValueTask<bool> move) => ClipEnd(await move.ConfigureAwait(false));

    private async ValueTask<bool> AwaitClipStart(ValueTask<bool> move) => ClipStart(await move.ConfigureAwait(false));

    private bool ClipEnd(bool valid)
    {
        if (valid && Range.IsAfterEnd(Key))
        {
            Invalidate();
            return false;
        }

        return valid;
    }

    private bool ClipStart(bool valid)
    {
        if (valid && Range.IsBeforeStart(Key))
        {
            Invalidate();
            return false;
        }

        return valid;
    }
}
