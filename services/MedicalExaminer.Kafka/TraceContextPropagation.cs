using System.Diagnostics;
using System.Text;

namespace MedicalExaminer.Kafka;

/// <summary>W3C trace context in Kafka headers (<c>traceparent</c>, <c>tracestate</c>).</summary>
public static class TraceContextPropagation
{
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

    public static ActivityContext Extract(IEnumerable<KeyValuePair<string, byte[]>>? headers)
    {
        string? traceParent = null;
        string? traceState = null;
        foreach (var (key, value) in headers ?? [])
        {
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
