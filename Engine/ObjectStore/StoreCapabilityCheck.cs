using System.Diagnostics;

namespace SlateFast.ObjectStore;

/// <summary>The outcome of one capability check.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Passed">Whether the store behaved as SlateFast needs.</param>
/// <param name="Latency">How long the check took.</param>
/// <param name="Detail">What was seen, especially on failure.</param>
public sealed record CapabilityResult(string Name, bool Passed, TimeSpan Latency, string Detail);

/// <summary>
/// A preflight for an object store: on a scratch prefix it removes afterwards, it checks every
/// behaviour the manifest, WAL and SST protocols rely on.
/// </summary>
public static class StoreCapabilityCheck
{
    /// <summary>Runs every check and returns their results in order. Never throws for a failed check.</summary>
    public static async Task<IReadOnlyList<CapabilityResult>> RunAsync(IObjectStore store, CancellationToken cancellationToken = default)
    {
        var scratch = $"slatefast-store-check-{Guid.NewGuid():N}/";
        var results = new List<CapabilityResult>();
        var random = new Random();
        var payload = new byte[4096];
        random.NextBytes(payload);

        async Task Check(string name, Func<Task<string>> body)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var detail = await body().ConfigureAwait(false);
                results.Add(new CapabilityResult(name, true, Stopwatch.GetElapsedTime(started), detail));
            }
            catch (CheckFailed e)
            {
                results.Add(new CapabilityResult(name, false, Stopwatch.GetElapsedTime(started), e.Message));
            }
            catch (Exception e) when (Failures.IsExpected(e) || e is HttpRequestException)
            {
                results.Add(new CapabilityResult(name, false, Stopwatch.GetElapsedTime(started), $"{e.GetType().Name}: {e.Message}"));
            }
        }

        try
        {
            await Check("put and get", async () =>
            {
                await store.PutAsync(scratch + "object", payload, cancellationToken).ConfigureAwait(false);
                var read = await store.GetAsync(scratch + "object", cancellationToken).ConfigureAwait(false);
                Require(read is not null && read.Data.Span.SequenceEqual(payload), "the object read back differs from what was written");
                var missing = await store.GetAsync(scratch + "missing", cancellationToken).ConfigureAwait(false);
                Require(missing is null, "a missing object was returned");
                return $"{payload.Length} bytes round-tripped";
            }).ConfigureAwait(false);

            await Check("atomic create-if-absent", async () =>
            {
                const int racers = 8;
                var name = scratch + "race";
                var attempts = Enumerable.Range(0, racers)
                    .Select(i => Task.Run(async () => (i, await store.PutIfAbsentAsync(name, BitConverter.GetBytes(i), cancellationToken).ConfigureAwait(false)), cancellationToken))
                    .ToArray();
                var outcomes = await Task.WhenAll(attempts).ConfigureAwait(false);
                var winners = outcomes.Where(o => o.Item2.Stored).Select(o => o.i).ToList();
                Require(winners.Count == 1, $"{winners.Count} of {racers} racing creates succeeded; exactly one must");
                var stored = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
                Require(stored is not null && BitConverter.ToInt32(stored.Data.Span) == winners[0], "the stored object is not the winner's");
                var again = await store.PutIfAbsentAsync(name, payload, cancellationToken).ConfigureAwait(false);
                Require(again.Outcome == PutOutcome.AlreadyExists, "create-if-absent over an existing object did not report AlreadyExists");
                return $"{racers} racers, one winner";
            }).ConfigureAwait(false);

            await Check("etag compare-and-swap", async () =>
            {
                var name = scratch + "cas";
                var first = await store.PutAsync(name, "v1"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                var swapped = await store.PutIfMatchAsync(name, "v2"u8.ToArray(), first.ETag, cancellationToken).ConfigureAwait(false);
                if (!swapped.Stored)
                {
                    Require(false, "a swap with the current etag was refused" + await QuotingHintAsync(store, name, first.ETag, cancellationToken).ConfigureAwait(false));
                }

                var stale = await store.PutIfMatchAsync(name, "v3"u8.ToArray(), first.ETag, cancellationToken).ConfigureAwait(false);
                Require(stale.Outcome == PutOutcome.PreconditionFailed, "a swap with a stale etag was applied");
                var current = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
                Require(current is not null && current.Data.Span.SequenceEqual("v2"u8), "the object does not hold the swapped value");
                return "current etag swaps, stale etag refused";
            }).ConfigureAwait(false);

            await Check("ranged reads", async () =>
            {
                var name = scratch + "object";
                var middle = await store.GetRangeAsync(name, 100, 200, cancellationToken).ConfigureAwait(false);
                Require(middle.Span.SequenceEqual(payload.AsSpan(100, 200)), "bytes 100..300 differ");
                var tail = await store.GetRangeAsync(name, payload.Length - 10, 100, cancellationToken).ConfigureAwait(false);
                Require(tail.Span.SequenceEqual(payload.AsSpan(payload.Length - 10)), "a range past the end was not cut at the end");
                var head = await store.HeadAsync(name, cancellationToken).ConfigureAwait(false);
                Require(head?.Size == payload.Length, "head reports the wrong size");
                return "middle, tail and head agree";
            }).ConfigureAwait(false);

            await Check("paged listing", async () =>
            {
                const int count = 12;
                for (var i = 0; i < count; i++)
                {
                    await store.PutAsync($"{scratch}list/{i:d2}", payload.AsMemory(0, 16), cancellationToken).ConfigureAwait(false);
                }

                var pages = 0;
                var seen = new List<string>();
                string? token = null;
                do
                {
                    var page = await store.ListPageAsync(scratch + "list/", token, 5, cancellationToken).ConfigureAwait(false);
                    pages++;
                    seen.AddRange(page.Objects.Select(o => o.Path));
                    token = page.ContinuationToken;
                }
                while (token is not null && pages < 100);
                var expected = Enumerable.Range(0, count).Select(i => $"{scratch}list/{i:d2}").ToList();
                Require(seen.SequenceEqual(expected), $"listing returned {seen.Count} objects in {pages} pages; expected {count} in order");
                Require(pages == 3, $"expected 3 pages of at most 5, got {pages}");
                return $"{count} objects in {pages} pages";
            }).ConfigureAwait(false);

            await Check("delete", async () =>
            {
                var name = scratch + "object";
                await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
                Require(await store.GetAsync(name, cancellationToken).ConfigureAwait(false) is null, "a deleted object is still readable");
                await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
                return "deleted; deleting again succeeds";
            }).ConfigureAwait(false);

            await Check("multipart upload", async () =>
            {
                const int size = 11 * 1024 * 1024;
                var name = scratch + "large";
                var chunk = new byte[1024 * 1024];
                await using (var writer = await store.OpenWriterAsync(name, cancellationToken).ConfigureAwait(false))
                {
                    for (var written = 0; written < size; written += chunk.Length)
                    {
                        chunk.AsSpan().Fill((byte)(written >> 20));
                        await writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    }

                    await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }

                var head = await store.HeadAsync(name, cancellationToken).ConfigureAwait(false);
                Require(head?.Size == size, $"the completed object has {head?.Size} bytes, expected {size}");
                var lastMiB = await store.GetRangeAsync(name, size - chunk.Length, chunk.Length, cancellationToken).ConfigureAwait(false);
                Require(lastMiB.Span.IndexOfAnyExcept((byte)10) < 0, "the last part holds the wrong bytes");

                var aborted = scratch + "aborted";
                await using (var writer = await store.OpenWriterAsync(aborted, cancellationToken).ConfigureAwait(false))
                {
                    await writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    await writer.AbortAsync(cancellationToken).ConfigureAwait(false);
                }

                Require(await store.HeadAsync(aborted, cancellationToken).ConfigureAwait(false) is null, "an aborted upload left an object");
                return $"{size >> 20} MiB streamed; abort leaves nothing";
            }).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                foreach (var meta in await store.ListAllAsync(scratch, cancellationToken).ConfigureAwait(false))
                {
                    await store.DeleteAsync(meta.Path, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (SlateFastException)
            {
                // Cleanup is best effort; the failing checks already say what is wrong.
            }
        }

        return results;
    }

    private static void Require(bool condition, string failure)
    {
        if (!condition)
        {
            throw new CheckFailed(failure);
        }
    }

    // Servers differ in the If-Match form they match: RFC 9110 quotes the tag, Ceph's radosgw
    // matches only the bare tag. When a swap with the current tag is refused, try the other form
    // on the same object: if that one swaps, the fix is one URL option, and the message says so.
    private static async Task<string> QuotingHintAsync(IObjectStore store, string name, string etag, CancellationToken cancellationToken)
    {
        while (store is ObjectStoreDecorator decorator)
        {
            store = decorator.Inner;
        }

        if (store is not S3ObjectStore s3)
        {
            return string.Empty;
        }

        var other = !s3.Options.QuoteIfMatchETag;
        using var probe = new S3ObjectStore(s3.Options with { QuoteIfMatchETag = other });
        var swapped = await probe.PutIfMatchAsync(name, "v2"u8.ToArray(), etag, cancellationToken).ConfigureAwait(false);
        return swapped.Stored
            ? $"; this server matches If-Match only with {(other ? "quoted" : "unquoted")} etags: add quote_etag={(other ? "true" : "false")} to the store URL"
            : "; it was refused with quoted and with unquoted etags, so this server does not support conditional writes";
    }

    private sealed class CheckFailed(string message) : Exception(message);
}
