namespace SlateFast.ObjectStore;

/// <summary>
/// Settles a conditional write whose outcome is unknown (the response was lost, or the server
/// answered 500) by reading the object back: it is ours exactly when the stored bytes are ours.
/// </summary>
/// <remarks>Two writers racing with byte-identical payloads would both claim success; the manifest and
/// WAL protocols never race identical bytes (they carry epochs and sequence numbers), so that is safe.</remarks>
internal static class AmbiguousWrites
{
    public static async ValueTask<PutResult> ResolveAsync(IObjectStore store, string path, ReadOnlyMemory<byte> data, PutResult otherwise, CancellationToken cancellationToken)
    {
        var current = await store.GetAsync(path, cancellationToken).ConfigureAwait(false);
        return current is not null && current.Data.Span.SequenceEqual(data.Span)
            ? PutResult.Success(current.Meta.ETag)
            : otherwise;
    }
}
