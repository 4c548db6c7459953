using SlateFast.Format;
using SlateFast.Fuzz.Seeds;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Iterates one data block payload of a format every way <see cref="BlockIterator"/> allows: forward,
/// backward, and seeks to keys taken from the block and from the input.
/// </summary>
/// <remarks>
/// Each pass runs even when an earlier one hit corrupt bytes, so backward iteration and seeks are
/// fuzzed on blocks whose forward pass fails halfway; the first data error is rethrown at the end.
/// When all passes succeed, they must agree: backward yields the forward rows reversed, and on a
/// block with sorted keys a seek lands on the first row whose key is at least the target.
/// </remarks>
internal sealed class BlockTarget(BlockFormat format) : IFuzzTarget
{
    /// <summary>Rows kept for the cross-checks; a real block (at most 64 KiB of rows plus one oversized row) holds far fewer.</summary>
    private const int MaxCheckedRows = 1 << 15;

    private readonly BlockIterator _iterator = new();
    private readonly List<(byte[] Key, ulong Seq, int ValueLength)> _rows = [];
    private bool _complete;

    public string Name => NameFor(format);

    public static string NameFor(BlockFormat format) => format == BlockFormat.V1 ? "block-v1" : "block-v2";

    public void Run(ReadOnlySpan<byte> input)
    {
        byte[] block = input.ToArray();
        _iterator.Reset(block, format);

        SlateFastException? corrupt = null;
        bool forward = Guard(ref corrupt, Forward) && _complete;
        bool backward = Guard(ref corrupt, () => Backward(forward));
        bool sorted = forward && IsSorted();
        foreach (byte[] target in SeekTargets(block))
        {
            Guard(ref corrupt, () => SeekAndStep(target, sorted && backward));
        }

        if (corrupt is not null)
        {
            throw corrupt;
        }
    }

    public IEnumerable<byte[]> Seeds() => BuiltInSeeds.Blocks(format);

    private static bool Guard(ref SlateFastException? first, Action pass)
    {
        try
        {
            pass();
            return true;
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            first ??= e;
            return false;
        }
    }

    private void Forward()
    {
        _rows.Clear();
        _complete = true;
        for (bool valid = _iterator.SeekToFirst(); valid; valid = _iterator.MoveNext())
        {
            RowEntry row = _iterator.Current;
            if (_rows.Count == MaxCheckedRows)
            {
                // Only an oversized (fuzzed) block gets here: stop keeping rows and skip the cross-checks.
                _complete = false;
                return;
            }

            _rows.Add((row.Key.ToArray(), row.Seq, row.Value.Length));
        }

        if (_iterator.MoveNext() || _iterator.MovePrev())
        {
            throw new InvalidOperationException("an exhausted iterator moved");
        }
    }

    private void Backward(bool compare)
    {
        int index = _rows.Count;
        for (bool valid = _iterator.SeekToLast(); valid; valid = _iterator.MovePrev())
        {
            index--;
            if (compare && (index < 0 || !Same(index)))
            {
                throw new InvalidOperationException($"backward iteration disagrees with forward iteration at row {index} of {_rows.Count}");
            }
        }

        if (compare && index != 0)
        {
            throw new InvalidOperationException($"backward iteration saw {_rows.Count - index} rows, forward {_rows.Count}");
        }
    }

    private void SeekAndStep(byte[] target, bool check)
    {
        bool found = _iterator.Seek(target);
        if (check)
        {
            int expected = _rows.FindIndex(r => r.Key.AsSpan().SequenceCompareTo(target) >= 0);
            if (found != (expected >= 0) || (found && !_iterator.Key.SequenceEqual(_rows[expected].Key)))
            {
                throw new InvalidOperationException(
                    $"seek to {Convert.ToHexString(target)} landed on {(found ? Convert.ToHexString(_iterator.Key) : "nothing")}, " +
                    $"expected {(expected >= 0 ? Convert.ToHexString(_rows[expected].Key) : "nothing")}");
            }
        }

        if (found)
        {
            _ = _iterator.Current;
            _iterator.MoveNext();
            _iterator.MovePrev();
            _iterator.MovePrev();
        }
    }

    private bool Same(int index)
    {
        var (key, seq, valueLength) = _rows[index];
        return _iterator.Key.SequenceEqual(key) && _iterator.Seq == seq && _iterator.Value.Length == valueLength;
    }

    private bool IsSorted()
    {
        for (int i = 1; i < _rows.Count; i++)
        {
            if (_rows[i - 1].Key.AsSpan().SequenceCompareTo(_rows[i].Key) > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Keys of the block (first, middle, last) and their neighbours, plus raw slices of the input.</summary>
    private IEnumerable<byte[]> SeekTargets(byte[] block)
    {
        var keys = new List<byte[]>();
        if (_rows.Count > 0)
        {
            keys.Add(_rows[0].Key);
            keys.Add(_rows[_rows.Count / 2].Key);
            keys.Add(_rows[^1].Key);
        }

        foreach (byte[] key in keys)
        {
            yield return key;
            yield return [.. key, 0];
            if (key.Length > 0)
            {
                yield return key[..^1];
                byte[] before = (byte[])key.Clone();
                before[^1]--;
                yield return before;
            }
        }

        yield return [];
        yield return [0xFF, 0xFF, 0xFF, 0xFF];
        yield return block[..Math.Min(block.Length, 8)];
        yield return block[(block.Length / 2)..Math.Min(block.Length, (block.Length / 2) + 12)];
    }
}
