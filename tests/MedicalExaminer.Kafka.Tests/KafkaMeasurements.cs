using System.Diagnostics.Metrics;

namespace MedicalExaminer.Kafka.Tests;

/// <summary>Records the consume loop's long-valued measurements for one topic, as an OpenTelemetry exporter would see them.</summary>
internal sealed class KafkaMeasurements : IDisposable
{
    private readonly MeterListener _listener;
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public KafkaMeasurements(string topic)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == KafkaMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var labels = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if (Equals(labels.GetValueOrDefault("topic"), topic))
            {
                lock (_measurements)
                {
                    _measurements.Add((instrument.Name, value, labels));
                }
            }
        });
        _listener.Start();
    }

    public IReadOnlyList<(string Instrument, long Value, Dictionary<string, object?> Tags)> All
    {
        get
        {
            lock (_measurements)
            {
                return [.. _measurements];
            }
        }
    }

    public long Sum(string instrument) => All.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
