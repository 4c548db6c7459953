namespace SlateFast.Threading;

/// <summary>An auto-reset wake-up for one background loop: a Set before the wait is not lost.</summary>
internal sealed class AsyncSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _waiter;
    private bool _signaled;

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            waiter = _waiter;
            _waiter = null;
            _signaled = waiter is null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Waits for a Set, at most <paramref name="timeout"/> (infinite when null); true if signalled.</summary>
    public async Task<bool> WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task task;
        lock (_lock)
        {
            if (_signaled)
            {
                _signaled = false;
                return true;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _waiter.Task;
        }

        if (timeout is null)
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout.Value, time, cts.Token);
        var first = await Task.WhenAny(task, delay).ConfigureAwait(false);
        cts.Cancel();
        cancellationToken.ThrowIfCancellationRequested();
        return first == task;
    }
}

/// <summary>A broadcast "something progressed" for many waiters (backpressure, flush waiters).</summary>
internal sealed class ProgressSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>; take it before checking the condition.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
