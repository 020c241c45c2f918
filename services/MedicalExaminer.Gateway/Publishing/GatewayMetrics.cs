using System.Diagnostics.Metrics;

namespace MedicalExaminer.Gateway.Publishing;

/// <summary>Notifications accepted and refused, by format and error code (labels are codes, never values).</summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "MedicalExaminer.Gateway";

    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;

    public GatewayMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _accepted = _meter.CreateCounter<long>("me.gateway.notifications.accepted", description: "Notifications published and acknowledged by Kafka.");
        _refused = _meter.CreateCounter<long>("me.gateway.notifications.refused", description: "Notifications refused, by error code.");
    }

    public void Accepted(string format) => _accepted.Add(1, new KeyValuePair<string, object?>("format", format));

    public void Refused(string format, string code) =>
        _refused.Add(1, new KeyValuePair<string, object?>("format", format), new KeyValuePair<string, object?>("code", code));

    public void Dispose() => _meter.Dispose();
}
