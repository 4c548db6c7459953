namespace SlateFast.Native;

internal static unsafe partial class NativeApi
{
    /// <summary>
    /// <c>sf_admin_collect_garbage</c>: one garbage collection pass over the database at
    /// <paramref name="path"/> with SlateDB's minimum ages (expired checkpoints first), as
    /// <see cref="DbAdmin.CollectGarbageAsync"/>; reports how many objects went (or would go).
    /// </summary>
    public static NativeResult CollectGarbage(byte* path, byte* storeUrl, int dryRun, ulong* outRemoved)
    {
        return NativeResult.Guard(() =>
        {
            if (outRemoved is not null)
            {
                *outRemoved = 0;
            }

            var result = Wait(Admin(path, storeUrl).CollectGarbageAsync(dryRun: dryRun != 0));
            if (outRemoved is not null)
            {
                *outRemoved = (ulong)result.ObjectCount;
            }

            return NativeResult.Ok;
        });
    }

    /// <summary>
    /// <c>sf_admin_create_clone</c>: makes <paramref name="path"/> a clone of <paramref name="parentPath"/>
    /// in the same store, at checkpoint <paramref name="parentCheckpointId"/> (NULL: a new one), as
    /// <see cref="DbAdmin.CreateCloneAsync"/>.
    /// </summary>
    public static NativeResult CreateClone(byte* path, byte* storeUrl, byte* parentPath, byte* parentCheckpointId, byte* outCreated)
    {
        return NativeResult.Guard(() =>
        {
            if (outCreated is not null)
            {
                *outCreated = 0;
            }

            var parent = NativeStrings.Read(parentPath) ?? ThrowHelper.Invalid<string>("parent_path must not be NULL");
            var checkpoint = NativeStrings.Read(parentCheckpointId) is { } id ? ParseCheckpointId(id) : (Guid?)null;
            var created = Wait(Admin(path, storeUrl).CreateCloneAsync(parent, checkpoint));
            if (outCreated is not null)
            {
                *outCreated = created ? (byte)1 : (byte)0;
            }

            return NativeResult.Ok;
        });
    }

    private static DbAdmin Admin(byte* path, byte* storeUrl)
    {
        var dbPath = NativeStrings.Read(path) ?? ThrowHelper.Invalid<string>("path must not be NULL");
        var url = NativeStrings.Read(storeUrl);
        var store = url is null ? ObjectStore.ObjectStores.Local(Environment.CurrentDirectory) : ObjectStore.ObjectStores.FromUrl(url);
        return new DbAdmin(dbPath, store);
    }
}
