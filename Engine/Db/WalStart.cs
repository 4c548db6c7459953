namespace SlateFast;

/// <summary>Where <see cref="WalReader.FollowAsync"/> starts reading.</summary>
public readonly record struct WalStart
{
    private WalStart(WalStartKind kind, ulong value, ulong walId = 0) => (Kind, Value, WalId) = (kind, value, walId);

    /// <summary>The oldest WAL object still in the store (older ones were flushed to SSTs and collected).</summary>
    public static WalStart Beginning => new(WalStartKind.Beginning, 0);

    /// <summary>Only WAL objects written after the newest one there is now.</summary>
    public static WalStart End => new(WalStartKind.End, 0);

    /// <summary>Every row of WAL object <paramref name="walId"/> and of those after it.</summary>
    public static WalStart AtWalId(ulong walId) => new(WalStartKind.AtWalId, ValidWalId(walId));

    /// <summary>
    /// The rows whose sequence number is above <paramref name="seq"/>: resume after the last commit
    /// a consumer processed whole (the rows of one commit share a sequence number and arrive together).
    /// </summary>
    /// <remarks>
    /// The WAL object to start from is found by reading WAL objects (a binary search). If the
    /// oldest object left starts above <c>seq + 1</c> and older ones were collected, the follower
    /// reports a <see cref="WalGapException"/>, since it cannot tell whether the missing numbers
    /// were in them: an ingestion or an explicit <see cref="WriteOptions.SeqNum"/> also skips numbers.
    /// <see cref="After"/>, with the WAL id of the last row processed, has no such doubt.
    /// </remarks>
    public static WalStart AfterSeq(ulong seq) => new(WalStartKind.AfterSeq, seq);

    /// <summary>
    /// Resumes after a row a consumer processed: the rows of WAL object <paramref name="walId"/>
    /// whose sequence number is above <paramref name="seq"/>, then every later object. Pass the
    /// <see cref="WalRow.WalId"/> and <see cref="WalRow.Seq"/> of the last row of the last commit
    /// processed whole.
    /// </summary>
    public static WalStart After(ulong walId, ulong seq) => new(WalStartKind.After, seq, ValidWalId(walId));

    private static ulong ValidWalId(ulong walId) => walId > 0 ? walId : ThrowHelper.Invalid<ulong>("WAL ids start at 1");

    /// <summary>Which kind of start this is.</summary>
    public WalStartKind Kind { get; }

    /// <summary>The WAL id of <see cref="WalStartKind.AtWalId"/>, or the sequence number of <see cref="WalStartKind.AfterSeq"/> and <see cref="WalStartKind.After"/>; 0 otherwise.</summary>
    public ulong Value { get; }

    /// <summary>The WAL id of <see cref="WalStartKind.After"/>; 0 otherwise.</summary>
    public ulong WalId { get; }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        WalStartKind.AtWalId => $"at WAL id {Value}",
        WalStartKind.AfterSeq => $"after sequence number {Value}",
        WalStartKind.After => $"after sequence number {Value} in WAL object {WalId}",
        WalStartKind.End => "at the end",
        _ => "at the beginning",
    };
}

/// <summary>The kinds of <see cref="WalStart"/>.</summary>
public enum WalStartKind
{
    /// <summary><see cref="WalStart.Beginning"/>.</summary>
    Beginning,

    /// <summary><see cref="WalStart.End"/>.</summary>
    End,

    /// <summary><see cref="WalStart.AtWalId"/>.</summary>
    AtWalId,

    /// <summary><see cref="WalStart.AfterSeq"/>.</summary>
    AfterSeq,

    /// <summary><see cref="WalStart.After"/>.</summary>
    After,
}
