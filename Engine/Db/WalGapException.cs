namespace SlateFast;

/// <summary>
/// A WAL follower needed a WAL object that garbage collection already removed (its rows were
/// flushed into SSTs): the rows in it can no longer be read from the WAL. It is
/// <see cref="ErrorKind.Invalid"/>, as for any position that no longer exists: the consumer
/// re-synchronises from the database itself (a <see cref="DbReader"/> or a checkpoint) and
/// follows again from <see cref="NextWalId"/>, or accepts the loss. A longer WAL minimum age in
/// <see cref="GarbageCollectorOptions"/> keeps slow followers from falling behind it.
/// </summary>
public sealed class WalGapException : SlateFastException
{
    /// <summary>Creates the exception for a follower that found <paramref name="firstMissingWalId"/> gone.</summary>
    public WalGapException(string path, ulong firstMissingWalId, ulong? nextWalId)
        : base(
            ErrorKind.Invalid,
            $"{path}: WAL object {firstMissingWalId} was garbage collected before it was read; its rows are no longer in the WAL"
            + (nextWalId is { } next ? $" (the oldest WAL object left is {next})" : string.Empty))
    {
        FirstMissingWalId = firstMissingWalId;
        NextWalId = nextWalId;
    }

    /// <summary>The first WAL id whose object is gone.</summary>
    public ulong FirstMissingWalId { get; }

    /// <summary>The oldest WAL object after it that still exists, when one does.</summary>
    public ulong? NextWalId { get; }
}
