namespace SlateFast;

/// <summary>
/// Internal signal from the commit path: an ingestion closed the write gate between a writer's
/// check and its commit, so the writer must wait on the slow path and try again. Never escapes
/// the write methods; one cached instance, since it only flags the race.
/// </summary>
internal sealed class WriteGateClosedException : Exception
{
    public static readonly WriteGateClosedException Instance = new();

    private WriteGateClosedException()
        : base("the write gate is closed")
    {
    }
}
