using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.ObjectStore;

/// <summary>A local store whose layout cannot work fails at once, saying why, instead of retrying.</summary>
public sealed class LocalLayoutErrorTests
{
    [Fact]
    public async Task A_file_where_the_database_folder_must_be_is_a_permanent_error_that_says_so()
    {
        using var folder = new TempFolder("layout");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "db"), "not a folder");
        var store = new RetryingObjectStore(new LocalObjectStore(folder.Path));

        var error = await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.PutAsync("db/wal/00000000000000000001.sst", new byte[8]));

        Assert.False(error.IsTransient);
        Assert.Contains("is a file where a folder must be", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Retries);
    }
}
