using System.Runtime.InteropServices;
using System.Text;

namespace SlateFast.Native;

/// <summary>
/// <c>sf_result_t</c>: what every export returns. <see cref="Kind"/> is 0 or an
/// <see cref="ErrorKind"/>; <see cref="Message"/> is a malloc'd UTF-8 string (NULL on success)
/// that the caller frees with <c>sf_result_free</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct NativeResult
{
    /// <summary>0 (SF_OK) or an <see cref="ErrorKind"/> value.</summary>
    public int Kind;

    /// <summary>A <see cref="CloseReason"/> value; non-zero only with <see cref="ErrorKind.Closed"/>.</summary>
    public int CloseReason;

    /// <summary>NUL-terminated UTF-8 detail, or NULL.</summary>
    public byte* Message;

    /// <summary>Success.</summary>
    public static NativeResult Ok => default;

    /// <summary>Whether this is SF_OK.</summary>
    public readonly bool IsOk => Kind == 0;

    /// <summary>The message as a managed string (tests and diagnostics).</summary>
    public readonly string? MessageText => Message is null ? null : Marshal.PtrToStringUTF8((nint)Message);

    /// <summary>An error of <paramref name="kind"/> with a message the caller must free.</summary>
    public static NativeResult Error(ErrorKind kind, string message, CloseReason reason = SlateFast.CloseReason.None) =>
        new() { Kind = (int)kind, CloseReason = (int)reason, Message = NativeStrings.Copy(message) };

    /// <summary>Misuse of the API.</summary>
    public static NativeResult Invalid(string message) => Error(ErrorKind.Invalid, message);

    /// <summary>
    /// Maps any exception to a result: SlateFast's kinds as they are, argument and disposal
    /// misuse as Invalid, cancellation and I/O as Unavailable, the rest as Internal.
    /// </summary>
    public static NativeResult From(Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        return exception switch
        {
            SlateFastException e => Error(e.Kind, e.Message, e.CloseReason),
            ObjectDisposedException or ArgumentException or FormatException or System.Text.Json.JsonException => Error(ErrorKind.Invalid, exception.Message),
            OperationCanceledException or TimeoutException or IOException => Error(ErrorKind.Unavailable, exception.Message),
            _ => Error(ErrorKind.Internal, $"{exception.GetType().Name}: {exception.Message}"),
        };
    }

    /// <summary>
    /// Runs the body of a C entry point, whose exceptions must not reach C: any exception becomes
    /// the status C receives, by <see cref="From"/>. The body's closure is one small allocation
    /// per call, so the entry points on the data path (reads, writes, batch edits, iterator
    /// steps) write this try/catch out instead and allocate nothing of their own.
    /// </summary>
    public static NativeResult Guard(Func<NativeResult> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return From(e);
        }
    }

    /// <summary>Frees the message and resets it to NULL (<c>sf_result_free</c>); safe to call twice.</summary>
    public static void Free(NativeResult* result)
    {
        if (result is null)
        {
            return;
        }

        NativeMemory.Free(result->Message);
        result->Message = null;
    }
}

/// <summary>Strings crossing the ABI: NUL-terminated UTF-8 in malloc'd memory.</summary>
internal static unsafe class NativeStrings
{
    /// <summary>A malloc'd NUL-terminated copy of <paramref name="text"/>.</summary>
    public static byte* Copy(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(buffer, length));
        buffer[length] = 0;
        return buffer;
    }

    /// <summary>A caller's NUL-terminated UTF-8 string; null for NULL.</summary>
    public static string? Read(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);
}
