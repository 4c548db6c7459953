using SlateFast.Wal;

namespace SlateFast;

/// <summary>What a committed write got: its sequence number and timestamp, and a way to wait for its durability.</summary>
public readonly struct WriteHandle
{
    private readonly DurabilityTicket? _ticket;

    internal WriteHandle(ulong seq, long createTs, DurabilityTicket? ticket)
    {
        Seq = seq;
        CreateTs = createTs;
        _ticket = ticket;
    }

    /// <summary>The batch's sequence number.</summary>
    public ulong Seq { get; }

    /// <summary>The batch's timestamp (ms since the Unix epoch).</summary>
    public long CreateTs { get; }

    /// <summary>Completes when the write is durable; fails if the object write that carried it failed.</summary>
    public Task AwaitDurableAsync() => _ticket?.Task ?? Task.CompletedTask;
}
