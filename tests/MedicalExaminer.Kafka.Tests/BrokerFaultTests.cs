using Confluent.Kafka;
using MedicalExaminer.Kafka.Embedded;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Kafka.Tests;

/// <summary>Faults affect the whole shared cluster, so these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(BrokerFaultTests), DisableParallelization = true)]
public sealed class BrokerFaultCollection;

[Collection(nameof(BrokerFaultTests))]
public sealed class BrokerFaultTests(KafkaClusterFixture kafka)
{
    private const int LeaderBroker = 2;

    [Fact]
    public async Task every_message_is_handled_when_the_partition_leader_goes_down_and_comes_back()
    {
        var topic = kafka.CreateTopic("leader-down", partitions: 1);
        kafka.Cluster.SetPartitionLeader(topic, 0, LeaderBroker);
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 50, prefix: "before");

        var handler = new ScriptedHandler();
        await using var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, KafkaClusterFixture.NewGroupId("leader-down"), handler);
        await Poll.UntilAsync(() => handler.Handled.Count >= 50, "the first 50 messages are handled before the outage");

        using var producer = TestMessages.Producer(kafka.BootstrapServers);
        Task[] during;
        kafka.Cluster.SetBrokerDown(LeaderBroker);
        try
        {
            during = Enumerable.Range(0, 50)
                .Select(i => (Task)producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, byte[]> { Key = $"during-{i}", Value = [] }, TestContext.Current.CancellationToken))
                .ToArray();

            // The outage itself: a fixed span during which the leader refuses every connection.
            await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        }
        finally
        {
            kafka.Cluster.SetBrokerUp(LeaderBroker);
        }

        await Task.WhenAll(during);
        await Poll.UntilAsync(() => handler.Handled.Select(m => m.Key).Distinct().Count() >= 100, "all 100 messages are handled after the leader is back", TimeSpan.FromSeconds(45));

        var expected = Enumerable.Range(0, 50).Select(i => $"before-{i}").Concat(Enumerable.Range(0, 50).Select(i => $"during-{i}"));
        Assert.Equal(expected.Order(), handler.Handled.Select(m => m.Key!).Distinct().Order());
        Assert.Equal(100, kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30)).Count);
    }

    [Fact]
    public async Task every_message_is_handled_once_through_injected_fetch_and_commit_errors()
    {
        var topic = kafka.CreateTopic("request-errors", partitions: 2);
        var group = KafkaClusterFixture.NewGroupId("request-errors");
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 30, prefix: "a");
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 1, 30, prefix: "b");

        kafka.Cluster.PushRequestErrors(KafkaApiKey.Fetch, ErrorCode.NotLeaderForPartition, ErrorCode.Local_Transport, ErrorCode.RequestTimedOut);
        var handler = new ScriptedHandler();
        try
        {
            await using var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, group, handler,
                new Dictionary<string, string?> { ["MaxBatchSize"] = "10" });
            await Poll.UntilAsync(() => handler.Handled.Count >= 60, "all 60 messages are handled despite failed fetches");
        }
        finally
        {
            kafka.Cluster.ClearRequestErrors(KafkaApiKey.Fetch);
        }

        Assert.Equal(60, handler.Handled.Select(m => (m.Partition, m.Offset)).Distinct().Count());
        Assert.Equal(60, handler.Handled.Count);
    }
}
