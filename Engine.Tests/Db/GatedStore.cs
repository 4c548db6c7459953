using System.Collections.Concurrent;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Db;

/// <summary>
/// Holds puts whose path contains a marker until the test releases that path, so a test can stop
/// the engine at a chosen point. <see cref="Hold"/> starts holding; <see cref="Release(string)"/> lets one path through.
/// </summary>
internal sealed class GatedStore(IObjectStore inner, string pathContains) : ObjectStoreDecorator(inner)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrived = new();
    private volatile bool _holding;

    public void Hold() => _holding = true;

    /// <summary>Completes when a put of <paramref name="path"/> is waiting at the gate.</summary>
    public Task Arrived(string path) => Gate(_arrived, path).Task;

    public void Release(string path) => Gate(_gates, path).TrySetResult();

    public void ReleaseAll()
    {
        _holding = false;
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }
    }

    private static TaskCompletionSource Gate(ConcurrentDictionary<string, TaskCompletionSource> map, string path) =>
        map.GetOrAdd(path, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        if (_holding && operation.StartsWith("put", StringComparison.Ordinal) && path.Contains(pathContains, StringComparison.Ordinal))
        {
            // The gate exists before anyone hears of the arrival, and a release that happened
            // meanwhile is honoured, so no release can be missed.
            var gate = Gate(_gates, path);
            if (!_holding)
            {
                gate.TrySetResult();
            }

            Gate(_arrived, path).TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        return await call(cancellationToken);
    }
}
