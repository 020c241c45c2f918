using Confluent.Kafka;
using MedicalExaminer.Kafka.Embedded;
using Xunit;

namespace MedicalExaminer.Testing;

/// <summary>
/// One librdkafka mock cluster (3 brokers) per test assembly, reached over TCP. Every test creates
/// fresh topics (and uses fresh consumer groups), so tests never see each other's messages.
/// </summary>
public sealed class KafkaClusterFixture : IDisposable
{
    public KafkaClusterFixture() => Cluster = MockKafkaCluster.Start(brokers: 3);

    public MockKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Creates a topic with a unique name starting with <paramref name="prefix"/>.</summary>
    public string CreateTopic(string prefix, int partitions)
    {
        var topic = $"{prefix}-{Guid.NewGuid():N}";
        Cluster.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>Reads a topic from the beginning until <paramref name="expected"/> messages arrived or the deadline passed.</summary>
    public List<ConsumeResult<string, byte[]>> ReadAll(string topic, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is { IsPartitionEOF: false })
            {
                results.Add(result);
            }
        }

        consumer.Close();
        return results;
    }

    public void Dispose() => Cluster.Dispose();
}
