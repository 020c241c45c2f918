using Confluent.Kafka;
using MedicalExaminer.Kafka.Embedded;

namespace MedicalExaminer.Testing;

/// <summary>
/// One librdkafka mock cluster (3 brokers) per test assembly, reached over TCP: register it with
/// <c>[assembly: AssemblyFixture(typeof(KafkaClusterFixture))]</c>. Every test creates fresh topics and
/// consumer groups, so tests never see each other's messages and may run in parallel.
/// </summary>
public sealed class KafkaClusterFixture : IDisposable
{
    public KafkaClusterFixture()
    {
        Cluster = MockKafkaCluster.Start(brokers: 3);

        // A new group's first assignment would otherwise wait 3 s for more members, in every test.
        Cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
    }

    public MockKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Creates a topic with a fresh unique name starting with <paramref name="prefix"/> and returns the name.</summary>
    public string CreateTopic(string prefix, int partitions)
    {
        var topic = $"{prefix}-{Guid.NewGuid():N}";
        Cluster.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>A fresh consumer group id starting with <paramref name="prefix"/>.</summary>
    public static string NewGroupId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Reads a topic from the beginning until <paramref name="expected"/> messages arrived or the deadline passed.</summary>
    public List<ConsumeResult<string, byte[]>> ReadAll(string topic, int expected, TimeSpan timeout)
    {
        using var consumer = Reader();
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

    /// <summary>
    /// Reads every message a topic holds now (up to each partition's high watermark), in per-partition order.
    /// Throws <see cref="TimeoutException"/> when the end is not reached before the deadline.
    /// </summary>
    public List<ConsumeResult<string, byte[]>> ReadToEnd(string topic, TimeSpan timeout)
    {
        using var consumer = Reader();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, timeout).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId))
            .ToList();
        var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, timeout).High.Value);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));

        var results = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (partitions.Any(p => Position(consumer, p) < ends[p]))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Topic {topic} was not read to its end within {timeout}.");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>Whether <paramref name="groupId"/> has committed every partition of <paramref name="topic"/> up to its end: nothing more is coming.</summary>
    public bool IsGroupCaughtUp(string topic, string groupId)
    {
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = groupId, EnableAutoCommit = false }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var timeout = TimeSpan.FromSeconds(10);
        var partitions = admin.GetMetadata(topic, timeout).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        return probe.Committed(partitions, timeout).All(c => probe.QueryWatermarkOffsets(c.TopicPartition, timeout).High is var end
            && (end == 0 || (c.Offset != Offset.Unset && c.Offset.Value >= end.Value)));
    }

    public void Dispose() => Cluster.Dispose();

    private static long Position(IConsumer<string, byte[]> consumer, TopicPartition partition)
    {
        var position = consumer.Position(partition);
        return position == Offset.Unset ? 0 : position.Value;
    }

    private IConsumer<string, byte[]> Reader() =>
        new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = NewGroupId("reader"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
}
