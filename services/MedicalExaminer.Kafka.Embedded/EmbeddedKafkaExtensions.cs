using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalExaminer.Kafka.Embedded;

/// <summary>The embedded mock cluster of a development host (section <c>EmbeddedKafka</c>).</summary>
public sealed class EmbeddedKafkaOptions
{
    public const string Section = "EmbeddedKafka";

    [Range(1, 16)]
    public int Brokers { get; set; } = 3;

    /// <summary>Topics to create at start: name → partition count.</summary>
    public Dictionary<string, int> Topics { get; set; } = [];
}

public static class EmbeddedKafkaExtensions
{
    /// <summary>
    /// Starts a mock cluster and creates <paramref name="options"/>' topics. The caller owns (disposes) it.
    /// This is what <c>me kafka-mock</c> and test fixtures call.
    /// </summary>
    public static MockKafkaCluster StartEmbeddedKafka(EmbeddedKafkaOptions options)
    {
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var cluster = MockKafkaCluster.Start(options.Brokers);
        try
        {
            foreach (var (topic, partitions) in options.Topics)
            {
                cluster.CreateTopic(topic, partitions);
            }

            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>
    /// For development hosts: when no <c>Kafka:BootstrapServers</c> is configured, starts a mock cluster now
    /// (options from section <c>EmbeddedKafka</c>, then <paramref name="configure"/>), writes its address into
    /// <c>Kafka:BootstrapServers</c> so every Kafka client of the host finds it, and registers it as a singleton
    /// that the host disposes last. Returns null, and starts nothing, when a real cluster is configured.
    /// </summary>
    /// <remarks>
    /// The cluster starts during configuration rather than in a hosted service because client options are
    /// bound (and validated on start) from <c>Kafka:BootstrapServers</c>, which must therefore be known first.
    /// </remarks>
    public static MockKafkaCluster? AddEmbeddedKafka(this IHostApplicationBuilder builder, Action<EmbeddedKafkaOptions>? configure = null)
    {
        const string bootstrapKey = "Kafka:BootstrapServers";
        if (!string.IsNullOrWhiteSpace(builder.Configuration[bootstrapKey]))
        {
            return null;
        }

        var options = new EmbeddedKafkaOptions();
        builder.Configuration.GetSection(EmbeddedKafkaOptions.Section).Bind(options);
        configure?.Invoke(options);
        var cluster = StartEmbeddedKafka(options);
        builder.Configuration[bootstrapKey] = cluster.BootstrapServers;

        // A factory registration, unlike an instance one, is disposed by the container; resolving it from a
        // hosted service registered now makes it one of the first services created, so one of the last disposed.
        builder.Services.AddSingleton(_ => cluster);
        builder.Services.AddHostedService<EmbeddedKafkaAnnouncer>();
        return cluster;
    }
}

/// <summary>Says where the embedded cluster listens, and pins its lifetime to the host's.</summary>
internal sealed partial class EmbeddedKafkaAnnouncer(MockKafkaCluster cluster, ILogger<EmbeddedKafkaAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStarted(logger, cluster.BrokerCount, cluster.BootstrapServers);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Kafka mock cluster: {Brokers} brokers at {BootstrapServers}")]
    private static partial void LogStarted(ILogger logger, int brokers, string bootstrapServers);
}
