using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace MedicalExaminer.Kafka.Tests;

/// <summary>
/// A host running one batch consumer exactly as a worker wires it (<see cref="KafkaServiceCollectionExtensions.AddKafkaBatchConsumer{THandler}"/>,
/// options bound from configuration and validated on start), around a scripted handler.
/// </summary>
internal sealed class ConsumerHost : IAsyncDisposable
{
    private const string Section = "TestConsumer";
    private readonly IHost _host;
    private bool _stopped;

    private ConsumerHost(IHost host) => _host = host;

    public static async Task<ConsumerHost> StartAsync(
        string bootstrapServers,
        string topic,
        string groupId,
        ScriptedHandler handler,
        IReadOnlyDictionary<string, string?>? consumerSettings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:ClientId"] = "kafka-tests",

            // When the last member of a group leaves, the mock coordinator (unlike Kafka) keeps the group
            // rebalancing for session.timeout.ms - 1 s before it answers the next member's JoinGroup. A short
            // session keeps "next consumer of the same group" scenarios quick.
            ["Kafka:Consumer:session.timeout.ms"] = "3000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "500",
            [$"{Section}:Topic"] = topic,
            [$"{Section}:GroupId"] = groupId,
            [$"{Section}:MaxBatchWait"] = "00:00:00.100",
            [$"{Section}:RetryDelay"] = "00:00:00.050",
            [$"{Section}:RetryMaxDelay"] = "00:00:00.200",
            [$"{Section}:ShutdownDrainTimeout"] = "00:00:00.200",
        };
        foreach (var (key, value) in consumerSettings ?? new Dictionary<string, string?>())
        {
            settings[$"{Section}:{key}"] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(handler);
        builder.Services.AddKafkaBatchConsumer<ScriptedHandler>(builder.Configuration, Section);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new ConsumerHost(host);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync(TimeSpan.FromSeconds(30));
        }
    }

    public Task<HealthReport> CheckHealthAsync() =>
        _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}

/// <summary>What one call of the handler saw, and whether it returned normally.</summary>
internal sealed record HandlerCall(int Attempt, IReadOnlyList<InboundMessage> Messages, bool Succeeded);

/// <summary>
/// A batch handler whose behaviour each test scripts; records every call. The consume loop calls it from one
/// thread at a time; tests read the records from another, hence the concurrent queue.
/// </summary>
internal sealed class ScriptedHandler(Func<MessageBatch, int, CancellationToken, Task>? behaviour = null) : IBatchHandler
{
    private readonly ConcurrentQueue<HandlerCall> _calls = new();
    private int _attempts;

    public IReadOnlyList<HandlerCall> Calls => [.. _calls];

    /// <summary>Messages of the calls that returned normally (the batches whose effects "committed").</summary>
    public IReadOnlyList<InboundMessage> Handled => [.. _calls.Where(c => c.Succeeded).SelectMany(c => c.Messages)];

    public async Task HandleAsync(MessageBatch batch, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        try
        {
            if (behaviour is not null)
            {
                await behaviour(batch, attempt, cancellationToken);
            }
        }
        catch
        {
            _calls.Enqueue(new HandlerCall(attempt, batch.Messages, Succeeded: false));
            throw;
        }

        _calls.Enqueue(new HandlerCall(attempt, batch.Messages, Succeeded: true));
    }
}

internal static class TestMessages
{
    /// <summary>Produces <paramref name="count"/> messages to one partition; key <c>{prefix}-{i}</c>, value <c>i</c> as text.</summary>
    public static async Task ProduceAsync(string bootstrapServers, string topic, int partition, int count, string prefix = "m", Func<int, Headers>? headers = null)
    {
        using var producer = Producer(bootstrapServers);
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => producer.ProduceAsync(
            new TopicPartition(topic, partition),
            new Message<string, byte[]> { Key = $"{prefix}-{i}", Value = System.Text.Encoding.UTF8.GetBytes($"{i}"), Headers = headers?.Invoke(i) ?? [] },
            TestContext.Current.CancellationToken)));
    }

    public static IProducer<string, byte[]> Producer(string bootstrapServers) =>
        new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build();
}

internal static class Poll
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails with the invariant when the deadline passes.</summary>
    public static async Task UntilAsync(Func<bool> condition, string invariant, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"Timed out: {invariant}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
