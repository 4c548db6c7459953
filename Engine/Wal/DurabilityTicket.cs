namespace SlateFast.Wal;

/// <summary>
/// Completes when a group of writes is durable: one ticket per WAL object (or, with the WAL
/// disabled, per memtable), shared by every write in it, so a durable write costs no allocation
/// of its own.
/// </summary>
internal sealed class DurabilityTicket
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiters;

    public Task Task => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    /// <summary>Whether any writer asked to wait (the flusher may then hurry).</summary>
    public bool HasWaiters => Volatile.Read(ref _waiters) > 0;

    /// <summary>How many writers asked to wait so far.</summary>
    public int Waiters => Volatile.Read(ref _waiters);

    public void AddWaiter() => Interlocked.Increment(ref _waiters);

    public void Complete() => _completion.TrySetResult();

    public void Fail(Exception error) => _completion.TrySetException(error);
}
