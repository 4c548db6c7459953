using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SlateFast.Native;

/// <summary>
/// Forwards engine log events to the C function set with <c>sf_set_log_callback</c>:
/// <c>void (*)(int32_t level, const char *category, const char *message, void *user_data)</c>.
/// The strings live only during the call. Databases opened while a callback is set log to it;
/// replacing or clearing the callback affects them at once.
/// </summary>
internal sealed unsafe class NativeLoggerFactory : ILoggerFactory
{
    private static Sink? s_sink;

    /// <summary>The factory handed to every database the C ABI opens.</summary>
    public static NativeLoggerFactory Instance { get; } = new();

    private sealed class Sink(delegate* unmanaged<int, byte*, byte*, void*, void> callback, LogLevel minLevel, nint userData)
    {
        public delegate* unmanaged<int, byte*, byte*, void*, void> Callback { get; } = callback;

        public LogLevel MinLevel { get; } = minLevel;

        public nint UserData { get; } = userData;
    }

    /// <summary>Sets (or with a NULL callback, clears) the process-wide log callback.</summary>
    public static void Set(delegate* unmanaged<int, byte*, byte*, void*, void> callback, int minLevel, void* userData)
    {
        if (minLevel is < (int)LogLevel.Trace or > (int)LogLevel.None)
        {
            ThrowHelper.Invalid($"invalid log level {minLevel}: expected 0 (trace) .. 6 (none)");
        }

        Volatile.Write(ref s_sink, callback is null ? null : new Sink(callback, (LogLevel)minLevel, (nint)userData));
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new NativeLogger(categoryName);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the C ABI logs only to its callback");

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class NativeLogger(string category) : ILogger
    {
        private readonly byte[] _category = Encoding.UTF8.GetBytes(category + "\0");

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel != LogLevel.None && Volatile.Read(ref s_sink) is { } sink && logLevel >= sink.MinLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.None || Volatile.Read(ref s_sink) is not { } sink || logLevel < sink.MinLevel)
            {
                return;
            }

            var text = formatter(state, exception);
            if (exception is not null)
            {
                text = $"{text}: {exception.GetType().Name}: {exception.Message}";
            }

            var message = NativeStrings.Copy(text);
            try
            {
                fixed (byte* categoryText = _category)
                {
                    sink.Callback((int)logLevel, categoryText, message, (void*)sink.UserData);
                }
            }
            finally
            {
                NativeMemory.Free(message);
            }
        }
    }
}
