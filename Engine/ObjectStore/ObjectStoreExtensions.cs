using System.Runtime.CompilerServices;

namespace SlateFast.ObjectStore;

/// <summary>Conveniences over <see cref="IObjectStore"/>.</summary>
public static class ObjectStoreExtensions
{
    /// <summary>Every object under <paramref name="prefix"/>, page by page, in ascending path order.</summary>
    public static async IAsyncEnumerable<ObjectMeta> ListAsync(
        this IObjectStore store, string prefix, int pageSize = ListPage.MaxPageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await store.ListPageAsync(prefix, token, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var meta in page.Objects)
            {
                yield return meta;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>Collects <see cref="ListAsync"/> into a list.</summary>
    public static async Task<List<ObjectMeta>> ListAllAsync(this IObjectStore store, string prefix, CancellationToken cancellationToken = default)
    {
        var result = new List<ObjectMeta>();
        await foreach (var meta in store.ListAsync(prefix, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            result.Add(meta);
        }

        return result;
    }
}
