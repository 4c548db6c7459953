using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace SlateFast.Cli;

/// <summary>
/// Engine logs as lines on standard error ("2025-01-02T03:04:05Z info SlateFast.Compactor:
/// ..."), for the long-running commands whose progress is what the engine logs. Information and up.
/// </summary>
internal sealed class CliLoggerFactory(TextWriter output) : ILoggerFactory
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the command line logs only to standard error");

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"{DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} {Name(level)} {category}: {message}"
            + (exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})");
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => level.ToString().ToLowerInvariant(),
    };

    private sealed class Logger(CliLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}

/// <summary>
/// SIGTERM for the commands that stop cleanly on it (<c>compactor run</c>): once a command arms
/// it, SIGTERM cancels the same token Ctrl-C does instead of ending the process at once. Unarmed,
/// SIGTERM keeps its default effect, so a command that would not notice the token is not left
/// running.
/// </summary>
internal sealed class TerminationTrap : IDisposable
{
    private readonly CancellationTokenSource _interrupt;
    private readonly PosixSignalRegistration? _registration;
    private volatile bool _armed;

    public TerminationTrap(CancellationTokenSource interrupt)
    {
        _interrupt = interrupt;
        try
        {
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                if (_armed)
                {
                    context.Cancel = true;
                    _interrupt.Cancel();
                }
            });
        }
        catch (PlatformNotSupportedException)
        {
            _registration = null;
        }
    }

    /// <summary>From now on SIGTERM cancels the returned token (the interrupt token) instead of ending the process.</summary>
    public CancellationToken Arm()
    {
        _armed = true;
        return _interrupt.Token;
    }

    public void Dispose() => _registration?.Dispose();
}
