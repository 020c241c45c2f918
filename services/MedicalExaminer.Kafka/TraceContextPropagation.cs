using System.Diagnostics;
using System.Text;

namespace MedicalExaminer.Kafka;

/// <summary>W3C trace context in Kafka headers (<c>traceparent</c>, <c>tracestate</c>).</summary>
public static class TraceContextPropagation
{
    /// <summary>Writes <paramref name="activity"/>'s W3C context, replacing any already there; does nothing without an activity.</summary>
    public static void Inject(Confluent.Kafka.Headers headers, Activity? activity)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }

        headers.Remove(Contracts.Headers.TraceParent);
        headers.Add(Contracts.Headers.TraceParent, Encoding.ASCII.GetBytes(activity.Id!));
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            headers.Remove(Contracts.Headers.TraceState);
            headers.Add(Contracts.Headers.TraceState, Encoding.ASCII.GetBytes(activity.TraceStateString));
        }
    }

    /// <summary>The producer's trace context, or default when the message carries none (or a malformed one).</summary>
    public static ActivityContext Extract(Confluent.Kafka.Headers? headers) =>
        Extract(headers?.Select(h => new KeyValuePair<string, byte[]>(h.Key, h.GetValueBytes())));

    /// <inheritdoc cref="Extract(Confluent.Kafka.Headers?)"/>
    public static ActivityContext Extract(IEnumerable<KeyValuePair<string, byte[]>>? headers)
    {
        string? traceParent = null;
        string? traceState = null;
        foreach (var (key, value) in headers ?? [])
        {
            // Kafka lets a header carry no value at all. Read as ASCII it threw, out of the consume loop, which
            // stopped the worker on every restart (found by the malformed-input corpus): it is simply no context.
            if (value is null)
            {
                continue;
            }

            if (key == Contracts.Headers.TraceParent)
            {
                traceParent = Encoding.ASCII.GetString(value);
            }
            else if (key == Contracts.Headers.TraceState)
            {
                traceState = Encoding.ASCII.GetString(value);
            }
        }

        return traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context)
            ? context
            : default;
    }
}
