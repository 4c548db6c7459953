namespace SlateFast.Threading;

/// <summary>
/// Starts the engine's background loops (WAL writer, memtable flusher, compactor, collector,
/// reader poller) so that no failure of theirs is lost in an unobserved task.
/// </summary>
/// <remarks>
/// Each loop handles the failures it expects (a store error, a fence) itself. Anything else (a
/// bug, a native library that will not load, an exception type nobody anticipated) used to end
/// the loop's task silently while callers kept waiting for work it would never do: a durable put
/// then waited forever. Here that exception reaches <c>onCrash</c>, whose owner closes what
/// depends on the loop, so every waiter gets an error instead (SlateDB records a background
/// task's panic as the database's fatal error the same way).
/// </remarks>
internal static class BackgroundLoop
{
    /// <summary>
    /// Runs <paramref name="loop"/> on the thread pool. An exception it lets escape goes to
    /// <paramref name="onCrash"/> with <paramref name="name"/>; a cancellation after
    /// <paramref name="stopping"/> fired is a normal end.
    /// </summary>
    public static Task Start(string name, Func<Task> loop, Action<string, Exception> onCrash, CancellationToken stopping = default) =>
        Task.Run(async () =>
        {
            try
            {
                await loop().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                onCrash(name, e);
            }
        });

    /// <summary>The close message for a loop that crashed: names the loop and what it threw.</summary>
    public static string Describe(string name, Exception e) => $"the {name} failed unexpectedly ({e.GetType().Name}: {e.Message})";
}
