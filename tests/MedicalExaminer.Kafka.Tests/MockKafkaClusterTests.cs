using System.Text;
using Confluent.Kafka;
using MedicalExaminer.Kafka.Embedded;
using MedicalExaminer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

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
        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.BrokerId).Order());
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
                    Headers = new Headers { { "schema", "test/1"u8.ToArray() }, { "n", Encoding.UTF8.GetBytes($"{i}") } },
                }, TestContext.Current.CancellationToken);
            }
        }

        var received = kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"k{i}").Order(), received.Select(r => r.Message.Key).Order());
        Assert.All(received, r =>
        {
            var n = Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("n"));
            Assert.Equal($"k{n}", r.Message.Key);
            Assert.Equal($"v{n}", Encoding.UTF8.GetString(r.Message.Value));
            Assert.Equal("test/1", Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("schema")));
        });
    }

    [Fact]
    public async Task a_dev_host_without_configured_kafka_gets_an_embedded_cluster_with_its_topics_for_its_lifetime()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["EmbeddedKafka:Topics:from-config"] = "2" });

        var cluster = builder.AddEmbeddedKafka(options => options.Topics["from-code"] = 4);

        Assert.NotNull(cluster);
        Assert.Equal(cluster.BootstrapServers, builder.Configuration["Kafka:BootstrapServers"]);
        using (var host = builder.Build())
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
            var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
            Assert.Equal(2, topics["from-config"]);
            Assert.Equal(4, topics["from-code"]);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("after-host", 1));
    }

    [Fact]
    public void a_dev_host_with_configured_kafka_starts_no_embedded_cluster()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = "kafka.example:9092" });

        Assert.Null(builder.AddEmbeddedKafka());
        Assert.Equal("kafka.example:9092", builder.Configuration["Kafka:BootstrapServers"]);
    }

    [Fact]
    public void confluent_clients_run_in_the_same_librdkafka_file_as_the_mock_cluster()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/maps");
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();

        var mapped = File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].EndsWith("librdkafka.so", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();

        var single = Assert.Single(mapped);
        Assert.Equal(Path.GetFullPath(MockKafkaCluster.NativeLibraryPath), single);
    }

    [Fact]
    public async Task idempotent_producer_delivers_each_message_once_through_injected_produce_errors()
    {
        var topic = kafka.CreateTopic("produce-errors", partitions: 1);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
        }).Build();
        await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = "warm-up", Value = [0] }, TestContext.Current.CancellationToken);

        // Retriable errors: the producer must retry these without duplicating or reordering.
        kafka.Cluster.PushRequestErrors(
            KafkaApiKey.Produce,
            ErrorCode.NotEnoughReplicas,
            ErrorCode.RequestTimedOut,
            ErrorCode.NotEnoughReplicasAfterAppend);
        var deliveries = Enumerable.Range(0, 20)
            .Select(i => producer.ProduceAsync(topic, new Message<string, byte[]> { Key = $"k{i}", Value = [(byte)i] }, TestContext.Current.CancellationToken))
            .ToList();
        await Task.WhenAll(deliveries);

        var keys = kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30)).Select(r => r.Message.Key).ToList();
        Assert.Equal(["warm-up", .. Enumerable.Range(0, 20).Select(i => $"k{i}")], keys);
    }

    [Fact]
    public async Task broker_round_trip_time_delays_its_responses()
    {
        var topic = kafka.CreateTopic("rtt", partitions: 1);
        kafka.Cluster.SetPartitionLeader(topic, 0, brokerId: 2);
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 0 }).Build();
        await producer.ProduceAsync(topic, new Message<Null, byte[]> { Value = [1] }, TestContext.Current.CancellationToken);

        kafka.Cluster.SetBrokerRoundTripTime(2, TimeSpan.FromMilliseconds(500));
        try
        {
            var started = TimeProvider.System.GetTimestamp();
            await producer.ProduceAsync(topic, new Message<Null, byte[]> { Value = [2] }, TestContext.Current.CancellationToken);

            // A lower bound set by the injected delay, not a speed assertion.
            Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(450), "a produce to a broker with a 500 ms round trip takes at least that long");
        }
        finally
        {
            kafka.Cluster.SetBrokerRoundTripTime(2, TimeSpan.Zero);
        }
    }
}
