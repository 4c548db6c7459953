namespace SlateFast.Tests.Interop;

/// <summary>The SlateDB helper process failed, timed out or printed something unparseable.</summary>
public sealed class SlateDbNodeException : Exception
{
    public SlateDbNodeException(string message)
        : base(message)
    {
    }

    public SlateDbNodeException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public SlateDbNodeException()
    {
    }
}
