using System.Buffers.Binary;

namespace SlateFast.Cli.Bench;

/// <summary>What one planned operation does.</summary>
internal enum OpKind : byte
{
    Put = 0,
    Get = 1,
    Scan = 2,
}

/// <summary>
/// Planned operations as fixed-size records in one pinned array, so running a plan allocates
/// nothing and hands engines slices of it. A record is: kind (1 byte), 1 reserved byte, expected
/// scan rows (u16), value offset into the value pool (i32; for a get the expected value, -1 when
/// the key must be absent), the key, and for scan plans the expected last key of the scan. All
/// integers little-endian; the Node driver reads the same layout.
/// </summary>
internal sealed class OpList
{
    public const int HeaderSize = 8;

    public OpList(int keySize, bool withLastKey, int count)
    {
        KeySize = keySize;
        RecordSize = HeaderSize + (withLastKey ? 2 * keySize : keySize);
        Count = count;
        Data = GC.AllocateUninitializedArray<byte>(checked(RecordSize * count), pinned: true);
    }

    public int KeySize { get; }

    public int RecordSize { get; }

    public int Count { get; }

    public byte[] Data { get; }

    public OpKind Kind(int i) => (OpKind)Data[i * RecordSize];

    public int ExpectedRows(int i) => BinaryPrimitives.ReadUInt16LittleEndian(Data.AsSpan((i * RecordSize) + 2));

    public int ValueOffset(int i) => BinaryPrimitives.ReadInt32LittleEndian(Data.AsSpan((i * RecordSize) + 4));

    public ReadOnlyMemory<byte> Key(int i) => Data.AsMemory((i * RecordSize) + HeaderSize, KeySize);

    public ReadOnlySpan<byte> LastKey(int i) => Data.AsSpan((i * RecordSize) + HeaderSize + KeySize, KeySize);

    /// <summary>The key field of record <paramref name="i"/>, for the planner to fill in.</summary>
    public Span<byte> KeySpan(int i) => Data.AsSpan((i * RecordSize) + HeaderSize, KeySize);

    public Span<byte> LastKeySpan(int i) => Data.AsSpan((i * RecordSize) + HeaderSize + KeySize, KeySize);

    public void SetHeader(int i, OpKind kind, int valueOffset, int expectedRows = 0)
    {
        var r = Data.AsSpan(i * RecordSize, HeaderSize);
        r[0] = (byte)kind;
        r[1] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(r[2..], checked((ushort)expectedRows));
        BinaryPrimitives.WriteInt32LittleEndian(r[4..], valueOffset);
    }

    /// <summary>The first and one-past-last record of worker <paramref name="worker"/> of <paramref name="workers"/>.</summary>
    public (int Start, int End) Slice(int worker, int workers) =>
        ((int)((long)Count * worker / workers), (int)((long)Count * (worker + 1) / workers));
}
