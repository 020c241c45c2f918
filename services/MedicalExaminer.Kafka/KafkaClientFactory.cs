using Confluent.Kafka;

namespace MedicalExaminer.Kafka;

/// <summary>
/// Builds client configurations: free-form settings from <see cref="KafkaOptions"/> first, then the
/// settings our delivery guarantees depend on, fixed in code (STYLE.md: never left to configuration).
/// </summary>
public static class KafkaClientFactory
{
    public static ProducerConfig ProducerConfig(KafkaOptions options)
    {
        var config = new ProducerConfig(new Dictionary<string, string>(options.Producer))
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.ClientId,
        };
        config.LingerMs ??= 5;

        // Notifications are repetitive JSON: zstd shrinks a batch about ninefold, which cuts broker disk and
        // network and lets the embedded broker's fixed 5 MiB per partition hold ~55,000 notifications
        // instead of ~6,000 (see MockKafkaCluster). Configuration may choose another codec.
        config.CompressionType ??= CompressionType.Zstd;

        // Idempotent, acknowledged by all in-sync replicas: a retry never duplicates or reorders.
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        return config;
    }

    public static ConsumerConfig ConsumerConfig(KafkaOptions options, BatchConsumerOptions consumer)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(options.Consumer))
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.ClientId,
            GroupId = consumer.GroupId,
        };

        // Offsets are stored by the consume loop only after the batch's effects are committed;
        // librdkafka then commits stored offsets in the background and on revoke/close.
        config.EnableAutoOffsetStore = false;
        config.EnableAutoCommit = true;

        // A group without committed offsets (a new consumer, or offsets expired) starts at the oldest message:
        // "latest" would silently skip whatever arrived before it joined.
        config.AutoOffsetReset = AutoOffsetReset.Earliest;

        // Incremental rebalances: partitions that stay with this consumer keep flowing while others move.
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        config.EnablePartitionEof = false;
        return config;
    }
}
