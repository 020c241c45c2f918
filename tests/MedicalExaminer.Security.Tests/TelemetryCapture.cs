using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MedicalExaminer.Security.Tests;

/// <summary>
/// Everything the services say about themselves: every log record at Trace (message, structured state, scopes,
/// exception with its inner exceptions), every finished span (OpenTelemetry in-memory exporter: names, tags, events,
/// status, baggage) and every metric point (in-memory exporter of snapshots: names, descriptions, units, tag keys and values), from
/// every service it is attached to with <see cref="Attach"/>.
/// </summary>
public sealed class TelemetryCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _logs = new();
    // One list per service: the exporters of different services would otherwise add to one list at once.
    private readonly ConcurrentBag<List<Activity>> _spans = [];
    private readonly ConcurrentBag<List<MetricSnapshot>> _metrics = [];
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public int LogCount => _logs.Count;

    /// <summary>Turns every log category up to Trace for this capture and adds the in-memory exporters to the service's OpenTelemetry.</summary>
    public void Attach(WebApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(this);
        // A rule for this provider outranks every category rule of the services' defaults (e.g. Npgsql at Warning).
        builder.Logging.AddFilter<TelemetryCapture>(null, LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        _spans.Add(spans);
        _metrics.Add(metrics);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        builder.Services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
    }

    /// <summary>
    /// Every captured text, labelled with where it came from. Call it once the services have stopped: stopping a
    /// service flushes its exporters (the last metric collection included), and nothing is added while it is read.
    /// </summary>
    public IEnumerable<(string Where, string Text)> Texts()
    {
        foreach (var log in _logs)
        {
            yield return ("log", log);
        }

        foreach (var span in _spans.SelectMany(Snapshot))
        {
            yield return ($"span {span.OperationName}", Describe(span));
        }

        foreach (var metric in _metrics.SelectMany(Snapshot))
        {
            yield return ($"metric {metric.Name}", Describe(metric));
        }
    }

    private static T[] Snapshot<T>(List<T> items) => [.. items];

    public (int Spans, int Metrics) Counts() => (_spans.Sum(l => Snapshot(l).Length), _metrics.Sum(l => Snapshot(l).Length));

    private static string Describe(Activity span)
    {
        var text = new StringBuilder()
            .AppendLine(span.OperationName).AppendLine(span.DisplayName).AppendLine(span.StatusDescription).AppendLine(span.Source.Name);
        foreach (var (key, value) in span.EnumerateTagObjects())
        {
            text.Append(key).Append('=').AppendLine(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var e in span.Events)
        {
            text.AppendLine(e.Name);
            foreach (var (key, value) in e.EnumerateTagObjects())
            {
                text.Append(key).Append('=').AppendLine(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (var (key, value) in span.Baggage)
        {
            text.Append(key).Append('=').AppendLine(value);
        }

        return text.ToString();
    }

    private static string Describe(MetricSnapshot metric)
    {
        var text = new StringBuilder().AppendLine(metric.Name).AppendLine(metric.Description).AppendLine(metric.Unit).AppendLine(metric.MeterName);
        foreach (var point in metric.MetricPoints)
        {
            foreach (var tag in point.Tags)
            {
                text.Append(tag.Key).Append('=').AppendLine(Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(TelemetryCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(' ').Append(eventId.Name).Append(": ")
                .AppendLine(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(key).Append('=').AppendLine(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            capture._scopes.ForEachScope((scope, builder) => builder.Append("scope: ").AppendLine(Convert.ToString(scope, System.Globalization.CultureInfo.InvariantCulture)), text);
            if (exception is not null)
            {
                // ToString includes inner exceptions and their messages; Data is where a careless throw might hide a value.
                text.AppendLine(exception.ToString());
                for (var e = exception; e is not null; e = e.InnerException)
                {
                    foreach (System.Collections.DictionaryEntry entry in e.Data)
                    {
                        text.Append(entry.Key).Append('=').AppendLine(Convert.ToString(entry.Value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }

            capture._logs.Enqueue(text.ToString());
        }
    }
}
