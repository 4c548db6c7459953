using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using SlateFast.Format.Rows;

namespace SlateFast.Format.Blocks;

/// <summary>
/// Reads the rows of one V1 or V2 data block payload (after decompression and CRC check), forward and
/// backward, without allocating per row. One instance is reused across blocks via <see cref="Reset"/>.
/// </summary>
/// <remarks>
/// <para>Keys are rebuilt into a key buffer owned by the iterator (grown only for a longer key); values
/// are slices of the block. <see cref="Key"/> and <see cref="Value"/> stay valid until the next move.</para>
/// <para>Every offset and row is checked against the block: corrupt bytes give <see cref="ErrorKind.Data"/>,
/// never an out-of-range access. The trailer is validated in <see cref="Reset"/>; rows as they are read.</para>
/// <para>Reverse iteration: V1 blocks have an offset per row, so <see cref="MovePrev"/> jumps straight to the
/// previous row. V2 blocks only locate restart points, and a row's key depends on the rows before it, so
/// <see cref="MovePrev"/> re-decodes the restart interval holding the previous row from its restart point
/// (at most 15 extra rows, no buffering) — LevelDB's approach. A descending scan that wants each interval
/// decoded once can instead buffer per interval on top of <see cref="SeekToLast"/>/<see cref="MovePrev"/>.</para>
/// <para><see cref="Seek"/> assumes rows sorted by key (compacted SSTs); WAL blocks, in seq order, support
/// iteration only.</para>
/// </remarks>
internal sealed class BlockIterator
{
    private const int TrailerCountSize = sizeof(ushort);

    private ReadOnlyMemory<byte> _block;
    private BlockFormat _format = BlockFormat.V2;
    private int _dataEnd;
    private int _count;
    private int _firstKeyOffset;
    private int _firstKeyLength;

    // The interval is the restart interval (V2) or the row index (V1) that holds the current row.
    private int _interval;
    private int _current;
    private int _next;
    private bool _valid;

    private byte[] _key = new byte[256];
    private int _keyLength;
    private int _valueOffset;
    private int _valueLength;
    private ulong _seq;
    private byte _flags;
    private RowKind _kind;
    private long _expireTs;
    private long _createTs;

    public BlockFormat Format => _format;

    /// <summary>Offsets in the trailer: restart points (V2) or rows (V1).</summary>
    public int OffsetCount => _count;

    /// <summary>End of the rows, where the trailer starts.</summary>
    public int DataLength => _dataEnd;

    /// <summary>Whether the iterator is on a row.</summary>
    public bool IsValid => _valid;

    public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

    public ReadOnlySpan<byte> Value => _block.Span.Slice(_valueOffset, _valueLength);

    public ulong Seq => _seq;

    public RowKind Kind => _kind;

    public byte Flags => _flags;

    public long? ExpireTs => (_flags & RowFlags.HasExpireTs) != 0 ? _expireTs : null;

    public long? CreateTs => (_flags & RowFlags.HasCreateTs) != 0 ? _createTs : null;

    /// <summary>The current row as a view; its spans follow the rules of <see cref="Key"/> and <see cref="Value"/>.</summary>
    public RowEntry Current
    {
        get
        {
            if (!_valid)
            {
                ThrowHelper.Invalid("the block iterator is not on a row");
            }

            return new RowEntry(Key, Value, _seq, _kind, ExpireTs, CreateTs);
        }
    }

    /// <summary>
    /// Points the iterator at a block payload and validates its trailer: a count of offsets whose
    /// table fits the block, offsets strictly increasing from 0 and inside the rows, and no rows
    /// without offsets. The iterator is then unpositioned; call a Seek method.
    /// </summary>
    public void Reset(ReadOnlyMemory<byte> block, BlockFormat format)
    {
        if (format != BlockFormat.V1 && format != BlockFormat.V2)
        {
            ThrowHelper.Invalid($"unknown block format {(int)format}");
        }

        _block = default;
        _count = 0;
        _dataEnd = 0;
        _valid = false;
        _format = format;

        ReadOnlySpan<byte> span = block.Span;
        if (span.Length < TrailerCountSize)
        {
            ThrowHelper.Data($"block of {span.Length} bytes has no trailer");
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(span[^TrailerCountSize..]);
        int trailer = TrailerCountSize + (2 * count);
        if (trailer > span.Length)
        {
            ThrowHelper.Data($"block trailer of {count} offsets is larger than the {span.Length}-byte block");
        }

        int dataEnd = span.Length - trailer;
        if (count == 0 && dataEnd != 0)
        {
            ThrowHelper.Data("block has rows but no offsets");
        }

        int previous = -1;
        for (int i = 0; i < count; i++)
        {
            int offset = BinaryPrimitives.ReadUInt16BigEndian(span[(dataEnd + (2 * i))..]);
            if (offset <= previous || offset >= dataEnd || (i == 0 && offset != 0))
            {
                ThrowHelper.Data($"block offset {i} = {offset} is out of order or outside the {dataEnd} bytes of rows");
            }

            previous = offset;
        }

        if (format == BlockFormat.V1 && count > 0)
        {
            // V0 rows share their prefix with the first key, which row 0 stores whole.
            RowParts first = RowCodecV0.Decode(span[..IntervalEnd(span, dataEnd, count, 0)]);
            if (first.Shared != 0)
            {
                ThrowHelper.Data("first row of a V1 block has a key prefix");
            }

            _firstKeyOffset = 2 * sizeof(ushort);
            _firstKeyLength = first.KeySuffix.Length;
        }

        _block = block;
        _count = count;
        _dataEnd = dataEnd;
    }

    /// <summary>Moves to the first row; false if the block is empty.</summary>
    public bool SeekToFirst()
    {
        if (_count == 0)
        {
            return _valid = false;
        }

        _interval = 0;
        Load(0);
        return true;
    }

    /// <summary>Moves to the last row; false if the block is empty.</summary>
    public bool SeekToLast()
    {
        if (_count == 0)
        {
            return _valid = false;
        }

        _interval = _count - 1;
        ReadOnlySpan<byte> span = _block.Span;
        Load(Offset(span, _interval));
        int end = IntervalEnd(span, _dataEnd, _count, _interval);
        while (_next < end)
        {
            Load(_next);
        }

        return true;
    }

    /// <summary>Moves to the next row; false (and invalid) past the last row or when not on a row.</summary>
    public bool MoveNext()
    {
        if (!_valid)
        {
            return false;
        }

        if (_next == IntervalEnd(_block.Span, _dataEnd, _count, _interval))
        {
            if (_interval + 1 >= _count)
            {
                return _valid = false;
            }

            _interval++;
        }

        Load(_next);
        return true;
    }

    /// <summary>Moves to the previous row; false (and invalid) before the first row or when not on a row.</summary>
    public bool MovePrev()
    {
        if (!_valid)
        {
            return false;
        }

        ReadOnlySpan<byte> span = _block.Span;
        int target = _current;
        if (target == Offset(span, _interval))
        {
            if (_interval == 0)
            {
                return _valid = false;
            }

            _interval--;
        }

        Load(Offset(span, _interval));
        while (_next < target)
        {
            Load(_next);
        }

        return true;
    }

    /// <summary>
    /// Moves to the first row whose key is &gt;= <paramref name="target"/>; false (and invalid) if every key
    /// is smaller. V2 binary-searches the restart points (whose rows hold full keys) and scans one interval;
    /// V1 binary-searches all rows. Requires rows sorted by key.
    /// </summary>
    public bool Seek(ReadOnlySpan<byte> target)
    {
        if (_count == 0)
        {
            return _valid = false;
        }

        return _format == BlockFormat.V2 ? SeekV2(target) : SeekV1(target);
    }

    private bool SeekV2(ReadOnlySpan<byte> target)
    {
        ReadOnlySpan<byte> span = _block.Span;

        // The last restart whose key is < target: every earlier row is smaller, and the first row >= target is
        // at or after it (strictly less, because versions of one key may span a restart point).
        int lo = 0, hi = _count - 1, start = 0;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (RestartKey(span, mid).SequenceCompareTo(target) < 0)
            {
                start = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        _interval = start;
        return SkimTo(span, Offset(span, start), target);
    }

    /// <summary>
    /// From the restart row at <paramref name="pos"/>, moves to the first row whose key is &gt;=
    /// <paramref name="target"/>. Rows before it are skimmed: their keys are rebuilt and compared,
    /// the rest is only measured to find the next row, and the whole row is decoded only where
    /// the seek stops. A point read passes about half an interval, and decoding every field of
    /// each row it passed was a fifth of its time (a profile of cached random reads). Skimmed
    /// rows are checked as <see cref="Load"/> checks them, so corrupt bytes are still Data.
    /// </summary>
    private bool SkimTo(ReadOnlySpan<byte> span, int pos, ReadOnlySpan<byte> target)
    {
        int limit = IntervalEnd(span, _dataEnd, _count, _interval);
        int restart = pos;
        int keyLength = 0;
        while (true)
        {
            if (pos == limit)
            {
                if (_interval + 1 >= _count)
                {
                    return _valid = false;
                }

                _interval++;
                restart = pos;
                limit = IntervalEnd(span, _dataEnd, _count, _interval);
            }

            ReadOnlySpan<byte> rowBytes = span[pos..limit];
            int p = RowCodecV2.ReadLengths(rowBytes, out uint shared, out uint unshared, out uint valueLength);
            if (pos == restart ? shared != 0 : shared > (uint)keyLength)
            {
                ThrowHelper.Data("row shares more key bytes than its predecessor has");
            }

            int length = (int)(shared + unshared);
            if (length > _key.Length)
            {
                _keyLength = keyLength;
                GrowKey(length);
            }

            rowBytes.Slice(p, (int)unshared).CopyTo(_key.AsSpan((int)shared));
            if (_key.AsSpan(0, length).SequenceCompareTo(target) >= 0)
            {
                // The row that stops the seek: decoded whole, with its predecessor's key length for the check.
                _keyLength = keyLength;
                Load(pos);
                return true;
            }

            keyLength = length;
            pos += RowCodecV2.SkipRest(rowBytes, p, unshared, valueLength);
        }
    }

    private bool SeekV1(ReadOnlySpan<byte> target)
    {
        ReadOnlySpan<byte> span = _block.Span;
        ReadOnlySpan<byte> firstKey = span.Slice(_firstKeyOffset, _firstKeyLength);
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            int offset = Offset(span, mid);
            RowParts row = RowCodecV0.Decode(span[offset..IntervalEnd(span, _dataEnd, _count, mid)]);
            if (row.Shared > firstKey.Length)
            {
                ThrowHelper.Data("V1 row shares more bytes than the first key has");
            }

            if (CompareSplitKey(firstKey[..row.Shared], row.KeySuffix, target) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        if (lo == _count)
        {
            return _valid = false;
        }

        _interval = lo;
        Load(Offset(span, lo));
        return true;
    }

    /// <summary>Compares the key <paramref name="head"/> ++ <paramref name="tail"/> with <paramref name="target"/> without joining them.</summary>
    private static int CompareSplitKey(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, ReadOnlySpan<byte> target)
    {
        if (target.Length <= head.Length)
        {
            int c = head.SequenceCompareTo(target);
            return c != 0 ? c : tail.Length;
        }

        int h = head.SequenceCompareTo(target[..head.Length]);
        return h != 0 ? h : tail.SequenceCompareTo(target[head.Length..]);
    }

    // The key of a restart row, without decoding the rest of the row (the binary search needs
    // only keys). The rest is still checked as Decode checks it (flags it does not know, a
    // tombstone with a value, timestamps past the interval are Data), only not decoded.
    private ReadOnlySpan<byte> RestartKey(ReadOnlySpan<byte> span, int restart)
    {
        int offset = Offset(span, restart);
        ReadOnlySpan<byte> row = span[offset..IntervalEnd(span, _dataEnd, _count, restart)];
        int p = RowCodecV2.ReadLengths(row, out uint shared, out uint unshared, out uint valueLength);
        if (shared != 0)
        {
            ThrowHelper.Data("row at a restart point shares key bytes");
        }

        RowCodecV2.SkipRest(row, p, unshared, valueLength);
        return row.Slice(p, (int)unshared);
    }

    /// <summary>Decodes the row at <paramref name="pos"/> in the current interval and makes it current.</summary>
    private void Load(int pos)
    {
        ReadOnlySpan<byte> span = _block.Span;
        int limit = IntervalEnd(span, _dataEnd, _count, _interval);
        ReadOnlySpan<byte> rowBytes = span[pos..limit];
        RowParts row;
        ReadOnlySpan<byte> prefixSource;
        if (_format == BlockFormat.V2)
        {
            row = RowCodecV2.Decode(rowBytes);
            if (pos == Offset(span, _interval) ? row.Shared != 0 : row.Shared > _keyLength)
            {
                ThrowHelper.Data("row shares more key bytes than its predecessor has");
            }

            prefixSource = default;
        }
        else
        {
            row = RowCodecV0.Decode(rowBytes);
            if (row.Length != rowBytes.Length)
            {
                ThrowHelper.Data("V1 row does not end where the next row starts");
            }

            if (row.Shared > _firstKeyLength)
            {
                ThrowHelper.Data("V1 row shares more bytes than the first key has");
            }

            prefixSource = span.Slice(_firstKeyOffset, row.Shared);
        }

        int keyLength = row.Shared + row.KeySuffix.Length;
        if (keyLength > _key.Length)
        {
            GrowKey(keyLength);
        }

        prefixSource.CopyTo(_key);
        row.KeySuffix.CopyTo(_key.AsSpan(row.Shared));
        _keyLength = keyLength;

        _valueLength = row.Value.Length;
        _valueOffset = pos + row.ValueStart;
        _seq = row.Seq;
        _flags = row.Flags;
        _kind = row.Kind;
        _expireTs = row.RawExpireTs;
        _createTs = row.RawCreateTs;
        _current = pos;
        _next = pos + row.Length;
        _valid = true;
    }

    private void GrowKey(int needed)
    {
        // Growth only: a key can never exceed the block, so this is bounded by the block's size.
        byte[] bigger = new byte[Math.Max(needed, _key.Length * 2)];
        _key.AsSpan(0, _keyLength).CopyTo(bigger);
        _key = bigger;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Offset(ReadOnlySpan<byte> span, int index) =>
        BinaryPrimitives.ReadUInt16BigEndian(span[(_dataEnd + (2 * index))..]);

    private static int IntervalEnd(ReadOnlySpan<byte> span, int dataEnd, int count, int index) =>
        index + 1 < count ? BinaryPrimitives.ReadUInt16BigEndian(span[(dataEnd + (2 * (index + 1)))..]) : dataEnd;
}
