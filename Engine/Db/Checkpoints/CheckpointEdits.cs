using SlateFast.Manifest;

namespace SlateFast.Db.Checkpoints;

/// <summary>
/// Pure changes of a manifest's checkpoint list (spec §11), shared by writers, the admin API,
/// readers and the garbage collector. Times are Unix seconds, as the manifest stores them.
/// </summary>
internal static class CheckpointEdits
{
    /// <summary>
    /// Adds checkpoint <paramref name="id"/>. Without a source it pins <paramref name="nextManifestId"/>,
    /// the version this change will be written as, so that version contains its own checkpoint.
    /// </summary>
    /// <remarks>
    /// Idempotent: a version holding checkpoint <paramref name="id"/> already is returned as it is.
    /// A create that landed can still be reported as a conflict (a newer version was listed right
    /// after it), and the change is then applied again on top of the version it wrote.
    /// </remarks>
    public static ManifestState Add(ManifestState state, ulong nextManifestId, Uuid id, CheckpointOptions options, DateTimeOffset now)
    {
        if (Find(state, id) is not null)
        {
            return state;
        }

        ulong manifestId;
        if (options.Source is { } source)
        {
            var sourceId = CheckpointIds.FromGuid(source);
            manifestId = Find(state, sourceId)?.ManifestId
                ?? throw new SlateFastException(ErrorKind.Invalid, $"no checkpoint {sourceId} to copy (it may have expired)");
        }
        else
        {
            if (!state.Initialized)
            {
                ThrowHelper.Invalid("cannot checkpoint a database that is not initialized (a clone still being set up)");
            }

            manifestId = nextManifestId;
        }

        var checkpoint = new Checkpoint(id, manifestId, ExpireSeconds(now, options.Lifetime), Seconds(now), options.Name);
        return state with { Checkpoints = state.Checkpoints.Add(checkpoint) };
    }

    /// <summary>Sets the expiry of checkpoint <paramref name="id"/> to now + <paramref name="lifetime"/> (null: never).</summary>
    public static ManifestState Refresh(ManifestState state, Uuid id, TimeSpan? lifetime, DateTimeOffset now)
    {
        var index = IndexOf(state, id);
        if (index < 0)
        {
            ThrowHelper.Invalid($"no checkpoint {id} (it may have expired or been deleted)");
        }

        var refreshed = state.Checkpoints[index] with { ExpireTimeSeconds = ExpireSeconds(now, lifetime) };
        return state with { Checkpoints = state.Checkpoints.SetItem(index, refreshed) };
    }

    /// <summary>The state without checkpoint <paramref name="id"/>, or null when it has none.</summary>
    public static ManifestState? Remove(ManifestState state, Uuid id)
    {
        var index = IndexOf(state, id);
        return index < 0 ? null : state with { Checkpoints = state.Checkpoints.RemoveAt(index) };
    }

    /// <summary>The state without expired checkpoints, or null when none has expired.</summary>
    public static ManifestState? RemoveExpired(ManifestState state, DateTimeOffset now)
    {
        var kept = state.Checkpoints.RemoveAll(c => IsExpired(c, now));
        return kept.Length == state.Checkpoints.Length ? null : state with { Checkpoints = kept };
    }

    /// <summary>SlateDB keeps a checkpoint while its expire time is after now; 0 means never.</summary>
    public static bool IsExpired(Checkpoint checkpoint, DateTimeOffset now) =>
        checkpoint.ExpireTimeSeconds != 0 && (long)checkpoint.ExpireTimeSeconds * 1000 <= now.ToUnixTimeMilliseconds();

    public static Checkpoint? Find(ManifestState state, Uuid id) => state.Checkpoints.FirstOrDefault(c => c.Id == id);

    private static int IndexOf(ManifestState state, Uuid id)
    {
        for (var i = 0; i < state.Checkpoints.Length; i++)
        {
            if (state.Checkpoints[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    private static uint Seconds(DateTimeOffset time) => (uint)Math.Clamp(time.ToUnixTimeSeconds(), 1, uint.MaxValue);

    // Rounded up, so a checkpoint never expires before its lifetime is over.
    private static uint ExpireSeconds(DateTimeOffset now, TimeSpan? lifetime) =>
        lifetime is { } l ? (uint)Math.Clamp((now + l).ToUnixTimeMilliseconds() / 1000 + 1, 1, uint.MaxValue) : 0;
}
