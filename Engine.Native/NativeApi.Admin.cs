using System.Text;

namespace SlateFast.Native;

/// <summary>
/// <c>sf_admin_*</c>: <see cref="DbAdmin"/> over the C ABI. An admin handle holds no engine state
/// beyond its stores, so it has no children; every call is one admin operation.
/// </summary>
internal static unsafe partial class NativeApi
{
    /// <summary><c>sf_admin_open</c>: administers the database at path; NULL store URL is the local store in the current directory.</summary>
    public static NativeResult AdminOpen(byte* path, byte* storeUrl, byte* walStoreUrl, nint* outAdmin)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outAdmin, "out_admin");
            *outAdmin = 0;
            var dbPath = NativeStrings.Read(path) ?? ThrowHelper.Invalid<string>("path must not be NULL");
            var url = NativeStrings.Read(storeUrl);
            var store = url is null ? ObjectStore.ObjectStores.Local(Environment.CurrentDirectory) : ObjectStore.ObjectStores.FromUrl(url);
            var walStore = NativeStrings.Read(walStoreUrl) is { } wal ? ObjectStore.ObjectStores.FromUrl(wal) : null;
            *outAdmin = Handles.Add(new NativeAdmin(new DbAdmin(dbPath, store, walObjectStore: walStore)));
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_admin_list_manifests</c>: <see cref="DbAdminJson.Manifests"/>.</summary>
    public static NativeResult AdminListManifests(nint admin, byte** outJson) =>
        AdminJson(outJson, () => DbAdminJson.Manifests(Wait(Admin(admin).ListManifestsAsync())));

    /// <summary><c>sf_admin_read_manifest</c>: version id, 0 for the latest; <see cref="DbAdminJson.Manifest"/>.</summary>
    public static NativeResult AdminReadManifest(nint admin, ulong id, byte** outJson) =>
        AdminJson(outJson, () => DbAdminJson.Manifest(Wait(Admin(admin).ReadManifestAsync(id == 0 ? null : id))));

    /// <summary><c>sf_admin_read_compactions</c>: version id, 0 for the latest; NULL JSON (and SF_OK) when there is none.</summary>
    public static NativeResult AdminReadCompactions(nint admin, ulong id, byte** outJson) =>
        AdminJson(outJson, () => Wait(Admin(admin).ReadCompactionsAsync(id == 0 ? null : id)) is { } c ? DbAdminJson.Compactions(c) : null);

    /// <summary><c>sf_admin_seq_to_ts</c>: the time in Unix seconds, absent when the tracker has no sample on that side.</summary>
    public static NativeResult AdminSeqToTs(nint admin, ulong seq, byte roundUp, byte* outPresent, long* outUnixSeconds)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outPresent, "out_present");
            RequireOut(outUnixSeconds, "out_unix_s");
            *outPresent = 0;
            *outUnixSeconds = 0;
            if (Wait(Admin(admin).GetTimestampForSequenceAsync(seq, roundUp != 0)) is { } time)
            {
                *outPresent = 1;
                *outUnixSeconds = time.ToUnixTimeSeconds();
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_admin_ts_to_seq</c>: the sequence number, absent when the tracker has no sample on that side.</summary>
    public static NativeResult AdminTsToSeq(nint admin, long unixSeconds, byte roundUp, byte* outPresent, ulong* outSeq)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outPresent, "out_present");
            RequireOut(outSeq, "out_seq");
            *outPresent = 0;
            *outSeq = 0;
            if (unixSeconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || unixSeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                ThrowHelper.Invalid($"unix_s {unixSeconds} is out of range");
            }

            if (Wait(Admin(admin).GetSequenceForTimestampAsync(DateTimeOffset.FromUnixTimeSeconds(unixSeconds), roundUp != 0)) is { } seq)
            {
                *outPresent = 1;
                *outSeq = seq;
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_admin_delete_db</c>: <see cref="DbAdmin.DeleteDatabaseAsync"/> with the default quiet period.</summary>
    public static NativeResult AdminDeleteDb(nint admin, byte force, ulong* outObjectsDeleted)
    {
        return NativeResult.Guard(() =>
        {
            if (outObjectsDeleted is not null)
            {
                *outObjectsDeleted = 0;
            }

            var result = Wait(Admin(admin).DeleteDatabaseAsync(new DeleteDatabaseOptions { Force = force != 0 }));
            if (outObjectsDeleted is not null)
            {
                *outObjectsDeleted = (ulong)result.ObjectsDeleted;
            }

            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_admin_close</c>: a second close is Invalid.</summary>
    public static NativeResult AdminClose(nint admin)
    {
        return NativeResult.Guard(() =>
        {
            var native = Handles.TryGet<NativeAdmin>(admin, out var target) switch
            {
                HandleState.Live => target,
                HandleState.Closed => ThrowHelper.Invalid<NativeAdmin>($"the sf_admin_t handle 0x{admin:x} is already closed"),
                _ => Lookup<NativeAdmin>(admin, "sf_admin_t"),
            };
            if (!Handles.Retire(admin, native, reusable: true))
            {
                ThrowHelper.Invalid($"the sf_admin_t handle 0x{admin:x} is already closed");
            }

            return NativeResult.Ok;
        });
    }

    private static NativeResult AdminJson(byte** outJson, Func<string?> read)
    {
        try
        {
            RequireOut(outJson, "out_json");
            *outJson = null;
            if (read() is { } json)
            {
                *outJson = CopyWithNul(Encoding.UTF8.GetBytes(json));
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    private static DbAdmin Admin(nint token) => Lookup<NativeAdmin>(token, "sf_admin_t").Admin;
}

/// <summary>What an <c>sf_admin_t</c> names.</summary>
internal sealed class NativeAdmin(DbAdmin admin)
{
    public DbAdmin Admin { get; } = admin;
}
