using System.Text;
using Confluent.Kafka;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Kafka.Tests;

public sealed class MockKafkaClusterTests(KafkaClusterFixture kafka)
{
    [Fact]
    public void mock_cluster_runs_three_brokers_reachable_over_tcp()
    {
        Assert.Equal(3, kafka.Cluster.BrokerCount);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Brokers.Count);
        Assert.All(metadata.Brokers, b => Assert.Equal("127.0.0.1", b.Host));
    }

    [Fact]
    public async Task produced_messages_are_consumed_with_their_keys_and_headers()
    {
        var topic = kafka.CreateTopic("roundtrip", partitions: 3);
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }).Build())
        {
            for (var i = 0; i < 30; i++)
            {
                await producer.ProduceAsync(topic, new Message<string, byte[]>
                {
                    Key = $"k{i}",
                    Value = Encoding.UTF8.GetBytes($"v{i}"),
                    Headers = new Headers { { "schema", "test/1"u8.ToArray() } },
                });
            }
        }

        var received = kafka.ReadAll(topic, 30, TimeSpan.FromSeconds(30));
        Assert.Equal(30, received.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"k{i}").Order(), received.Select(r => r.Message.Key).Order());
        Assert.All(received, r => Assert.Equal("test/1", Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("schema"))));
    }
}
