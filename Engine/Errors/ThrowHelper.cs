using System.Diagnostics.CodeAnalysis;

namespace SlateFast;

/// <summary>Throw sites kept out of hot methods so those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Invalid(string message) => throw new SlateFastException(ErrorKind.Invalid, message);

    [DoesNotReturn]
    public static T Invalid<T>(string message) => throw new SlateFastException(ErrorKind.Invalid, message);

    [DoesNotReturn]
    public static void Data(string message, Exception? inner = null) => throw new SlateFastException(ErrorKind.Data, message, inner);

    [DoesNotReturn]
    public static T Data<T>(string message, Exception? inner = null) => throw new SlateFastException(ErrorKind.Data, message, inner);

    [DoesNotReturn]
    public static void Unavailable(string message, Exception? inner = null) =>
        throw new SlateFastException(ErrorKind.Unavailable, message, inner);

    [DoesNotReturn]
    public static void Internal(string message, Exception? inner = null) =>
        throw new SlateFastException(ErrorKind.Internal, message, inner);

    [DoesNotReturn]
    public static void Closed(CloseReason reason, string message) =>
        throw new SlateFastException(ErrorKind.Closed, reason, message);
}
