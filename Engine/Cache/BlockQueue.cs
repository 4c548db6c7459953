namespace SlateFast.Cache;

/// <summary>
/// A FIFO of resident blocks linked through the blocks themselves (no node allocation, O(1)
/// removal of any block). Guarded by the owning shard's lock.
/// </summary>
internal sealed class BlockQueue
{
    private CachedBlock? _head;

    public long Bytes { get; private set; }

    public int Count { get; private set; }

    public CachedBlock? Head => _head;

    public void Enqueue(CachedBlock block)
    {
        block.Queue = this;
        Bytes += block.Charge;
        Count++;
        if (_head is null)
        {
            block.Next = block.Prev = block;
            _head = block;
            return;
        }

        var tail = _head.Prev!;
        block.Prev = tail;
        block.Next = _head;
        tail.Next = block;
        _head.Prev = block;
    }

    public CachedBlock Dequeue()
    {
        var head = _head!;
        Remove(head);
        return head;
    }

    public void Remove(CachedBlock block)
    {
        if (block.Next == block)
        {
            _head = null;
        }
        else
        {
            block.Prev!.Next = block.Next;
            block.Next!.Prev = block.Prev;
            if (_head == block)
            {
                _head = block.Next;
            }
        }

        block.Next = block.Prev = null;
        block.Queue = null;
        Bytes -= block.Charge;
        Count--;
    }

    /// <summary>Empties the queue and returns its former head (the blocks stay linked in a ring).</summary>
    public CachedBlock? DetachAll()
    {
        var head = _head;
        _head = null;
        Bytes = 0;
        Count = 0;
        return head;
    }
}
