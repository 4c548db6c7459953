using System.Globalization;
using System.Text;
using SlateFast.ObjectStore;

namespace SlateFast.Manifest;

/// <summary>
/// A garbage-collection boundary file, <c>&lt;db&gt;/gc/&lt;name&gt;.boundary</c> (SlateDB RFC-0026,
/// SlateDB 0.14+): an ASCII decimal u64 B meaning "versions up to B of this namespace may already
/// be deleted". The collector advances it before deleting a version; a writer whose create of
/// version N succeeded treats the write as lost when B has reached N, because create-if-absent
/// cannot tell a free id from one the collector freed after another writer used it. A missing
/// file reads as 0. SlateDB 0.12 neither writes nor reads these files; they do not disturb it.
/// </summary>
internal sealed class GcBoundary(IObjectStore store, string db, string name)
{
    public const string Dir = "gc";

    public string Path { get; } = BoundaryPath(db, name);

    public static string BoundaryPath(string db, string name)
    {
        var root = db.TrimEnd('/');
        return root.Length == 0 ? $"{Dir}/{name}.boundary" : $"{root}/{Dir}/{name}.boundary";
    }

    /// <summary>The durable boundary, 0 when no file exists; read from the store every time (never cached: a stale value would let a lost write pass).</summary>
    public async Task<ulong> ReadAsync(CancellationToken cancellationToken = default) =>
        (await ReadWithTagAsync(cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Whether a version created with id <paramref name="id"/> counts: the boundary has not reached it.</summary>
    public async Task<bool> AdmitsAsync(ulong id, CancellationToken cancellationToken = default) =>
        id > await ReadAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Moves the boundary up to at least <paramref name="boundary"/>, never down: create-if-absent
    /// for the first value, compare-and-swap after, re-read when another collector got there first.
    /// </summary>
    public async Task AdvanceAsync(ulong boundary, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var (current, etag) = await ReadWithTagAsync(cancellationToken).ConfigureAwait(false);
            if (current >= boundary)
            {
                return;
            }

            var body = Encoding.ASCII.GetBytes(boundary.ToString(CultureInfo.InvariantCulture));
            var result = etag is null
                ? await store.PutIfAbsentAsync(Path, body, cancellationToken).ConfigureAwait(false)
                : await store.PutIfMatchAsync(Path, body, etag, cancellationToken).ConfigureAwait(false);
            if (result.Stored)
            {
                return;
            }
        }
    }

    private async Task<(ulong Value, string? ETag)> ReadWithTagAsync(CancellationToken cancellationToken)
    {
        var data = await store.GetAsync(Path, cancellationToken).ConfigureAwait(false);
        if (data is null)
        {
            return (0, null);
        }

        // Rust's u64 parse, which SlateDB reads these with: surrounding whitespace trimmed, an optional '+'.
        var text = Encoding.ASCII.GetString(data.Data.Span).Trim();
        if (text.StartsWith('+'))
        {
            text = text[1..];
        }

        ulong value = 0;
        if (text.Length == 0 || text[0] == '+' || !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            ThrowHelper.Data($"{Path}: a GC boundary must be a decimal u64, found {data.Data.Length} bytes that are not");
        }

        return (value, data.Meta.ETag);
    }
}
