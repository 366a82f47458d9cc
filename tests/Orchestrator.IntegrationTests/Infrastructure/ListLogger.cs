using Microsoft.Extensions.Logging;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>A logger that keeps every entry, for tests of what a library logs.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, EventId Event, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Event, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((logLevel, eventId, formatter(state, exception)));
        }
    }
}
