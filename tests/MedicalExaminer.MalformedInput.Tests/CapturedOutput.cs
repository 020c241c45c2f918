using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace MedicalExaminer.MalformedInput.Tests;

/// <summary>
/// Everything a host under test writes to its logs (every level from Debug, every category: message, structured
/// values and exception) and every activity (span) started in the process while it lives, as text to search
/// for values that must never appear there.
/// </summary>
public sealed class CapturedOutput : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Text)> _lines = new();
    private readonly ConcurrentQueue<string> _spans = new();
    private readonly ActivityListener _listener;

    public CapturedOutput()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _spans.Enqueue(string.Join(" | ",
                new[] { activity.DisplayName, activity.StatusDescription ?? "" }
                    .Concat(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                    .Concat(activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}").Prepend(e.Name)))
                    .Concat(activity.Baggage.Select(b => $"{b.Key}={b.Value}")))),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Adds this provider to a host's logging at Debug, whatever the host's own minimum level.</summary>
    public void AttachTo(WebApplicationBuilder builder)
    {
        builder.Logging.AddProvider(this);
        builder.Logging.AddFilter<CapturedOutput>(null, LogLevel.Debug);
    }

    public IReadOnlyList<(LogLevel Level, string Category, string Text)> Lines => [.. _lines];

    public IReadOnlyList<string> Spans => [.. _spans];

    /// <summary>Log lines at Error or above: what an unhandled exception or a crashing loop leaves.</summary>
    public IEnumerable<string> Errors => _lines.Where(l => l.Level >= LogLevel.Error).Select(l => $"{l.Level} {l.Category}: {l.Text}");

    /// <summary>Every log line and span that repeats one of <paramref name="values"/> (case-insensitively).</summary>
    public IEnumerable<string> Repeating(IEnumerable<string> values)
    {
        var needles = values.Where(v => v.Length > 0).Distinct().ToList();
        return _lines.Select(l => $"{l.Category}: {l.Text}").Concat(_spans)
            .Where(text => needles.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() => _listener.Dispose();

    private sealed class Logger(CapturedOutput output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            output._lines.Enqueue((logLevel, category, $"{formatter(state, exception)} [{values}] {exception}"));
        }
    }
}
