using System.Buffers;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Sst;

/// <summary>
/// Builds an SST index payload one block at a time, in the same byte layout as SlateDB 0.12's SST
/// builder (each block's key vector and <c>BlockMeta</c> table as the block closes, then the vector
/// and the root). Reusable after <see cref="Reset"/>.
/// </summary>
internal sealed class SsTableIndexBuilder
{
    private readonly FlatBufferBuilder _builder = new(1024);
    private readonly List<int> _blocks = new();

    public int BlockCount => _blocks.Count;

    public void AddBlock(ulong offset, ReadOnlySpan<byte> firstKey)
    {
        int key = _builder.CreateByteVector(firstKey);
        int start = _builder.StartTable();
        _builder.AddU64(0, offset);
        _builder.AddOffset(1, key);
        _blocks.Add(_builder.EndTable(start));
    }

    /// <summary>Finishes the index; the span is valid until <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        int vector = _builder.CreateOffsetVector(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_blocks));
        int start = _builder.StartTable();
        _builder.AddOffset(0, vector);
        return _builder.Finish(_builder.EndTable(start));
    }

    public void Finish(IBufferWriter<byte> output)
    {
        Finish();
        _builder.CopyTo(output);
    }

    public void Reset()
    {
        _builder.Clear();
        _blocks.Clear();
    }
}
