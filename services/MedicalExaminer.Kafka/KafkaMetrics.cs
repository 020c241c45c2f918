using System.Diagnostics.Metrics;

namespace MedicalExaminer.Kafka;

/// <summary>Consume-loop metrics. Labels: topic, consumer group, error code; never a key or a value.</summary>
public sealed class KafkaMetrics : IDisposable
{
    public const string MeterName = "MedicalExaminer.Kafka";
    private readonly Meter _meter;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _offsetResets;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchDuration;

    public KafkaMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _consumed = _meter.CreateCounter<long>("me.kafka.messages_consumed", "{message}");
        _deadLettered = _meter.CreateCounter<long>("me.kafka.messages_dead_lettered", "{message}");
        _retries = _meter.CreateCounter<long>("me.kafka.batch_retries", "{retry}");
        _offsetResets = _meter.CreateCounter<long>("me.kafka.offset_resets", "{reset}", "Positions reset because the broker deleted messages before this group consumed them.");
        _batchSize = _meter.CreateHistogram<int>("me.kafka.batch_size", "{message}");
        _batchDuration = _meter.CreateHistogram<double>("me.kafka.batch_duration", "s");
    }

    public void BatchHandled(string topic, string group, int size, TimeSpan duration)
    {
        var labels = Labels(topic, group);
        _consumed.Add(size, labels);
        _batchSize.Record(size, labels);
        _batchDuration.Record(duration.TotalSeconds, labels);
    }

    public void DeadLettered(string topic, string group, string errorCode) =>
        _deadLettered.Add(1, [new("topic", topic), new("group", group), new("error_code", errorCode)]);

    public void Retried(string topic, string group) => _retries.Add(1, Labels(topic, group));

    public void OffsetReset(string topic, string group) => _offsetResets.Add(1, Labels(topic, group));

    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?>[] Labels(string topic, string group) => [new("topic", topic), new("group", group)];
}
