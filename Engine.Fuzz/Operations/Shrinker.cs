using System.Diagnostics;

namespace SlateFast.Fuzz.Operations;

/// <summary>
/// Delta debugging (ddmin) over an operation list: removes chunks of operations, then single
/// items of batches and transactions, keeping every removal after which the sequence still fails.
/// Runs are not perfectly repeatable (background flushes race the operations), so each candidate
/// gets a few tries before it counts as passing.
/// </summary>
internal sealed class Shrinker(TextWriter log, TimeSpan budget, int tries = 2)
{
    public int Runs { get; private set; }

    public async Task<(OpSequence Sequence, string Failure)> ShrinkAsync(OpSequence failing, string failure)
    {
        _signature = Signature(failure);
        var clock = Stopwatch.StartNew();
        var ops = failing.Ops;
        var granularity = 2;
        while (ops.Count >= 2 && clock.Elapsed < budget)
        {
            var chunk = Math.Max(1, ops.Count / granularity);
            var reduced = false;
            for (var start = 0; start < ops.Count && clock.Elapsed < budget; start += chunk)
            {
                var candidate = ops.Take(start).Concat(ops.Skip(start + chunk)).ToList();
                if (await FailsAsync(failing with { Ops = candidate }).ConfigureAwait(false) is { } f)
                {
                    (ops, failure, reduced) = (candidate, f, true);
                    log.WriteLine($"  shrunk to {ops.Count} ops");
                    granularity = Math.Max(granularity - 1, 2);
                    break;
                }
            }

            if (!reduced)
            {
                if (chunk == 1)
                {
                    break;
                }

                granularity = Math.Min(granularity * 2, ops.Count);
            }
        }

        // Then the rows inside batches and transactions.
        for (var i = 0; i < ops.Count && clock.Elapsed < budget; i++)
        {
            foreach (var field in new[] { "Items", "Concurrent", "Reads" })
            {
                for (var j = 0; clock.Elapsed < budget; j++)
                {
                    var op = ops[i];
                    var smaller = Without(op, field, j);
                    if (smaller is null)
                    {
                        break;
                    }

                    var candidate = ops.ToList();
                    candidate[i] = smaller;
                    if (await FailsAsync(failing with { Ops = candidate }).ConfigureAwait(false) is { } f)
                    {
                        (ops, failure) = (candidate, f);
                        j--;
                    }
                }
            }
        }

        return (failing with { Ops = ops, Failure = failure }, failure);
    }

    private static Op? Without(Op op, string field, int index)
    {
        switch (field)
        {
            case "Items" when op.Items is { } items && index < items.Count && (op.Kind == "txn" || items.Count > 1):
                return op with { Items = [.. items.Where((_, k) => k != index)] };
            case "Concurrent" when op.Concurrent is { } c && index < c.Count:
                return op with { Concurrent = c.Count == 1 ? null : [.. c.Where((_, k) => k != index)] };
            case "Reads" when op.Reads is { } r && index < r.Count:
                return op with { Reads = r.Count == 1 ? null : [.. r.Where((_, k) => k != index)] };
            default:
                return null;
        }
    }

    private string _signature = string.Empty;

    /// <summary>What kind of failure: the text after the failing operation's description, up to its first details.</summary>
    public static string Signature(string failure)
    {
        var at = failure.IndexOf("): ", StringComparison.Ordinal);
        var text = at >= 0 ? failure[(at + 3)..] : failure;
        var end = text.IndexOfAny([':', '\n']);
        text = end >= 0 ? text[..end] : text;

        // Ids, keys and counts differ between runs of one bug.
        return System.Text.RegularExpressions.Regex.Replace(text, @"\([^)]*\)|[0-9A-Fa-f-]{4,}|\d+", "#");
    }

    // A candidate counts only if it fails the same way, so shrinking does not drift to another bug.
    private async Task<string?> FailsAsync(OpSequence candidate)
    {
        for (var t = 0; t < tries; t++)
        {
            Runs++;
            if (await OpRunner.RunAsync(candidate).ConfigureAwait(false) is { } failure && Signature(failure) == _signature)
            {
                return failure;
            }
        }

        return null;
    }
}
