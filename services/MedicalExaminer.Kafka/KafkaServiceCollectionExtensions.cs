using MedicalExaminer.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Kafka;

public static class KafkaServiceCollectionExtensions
{
    /// <summary>Tag of readiness checks (the same tag ServiceDefaults maps to /health/ready).</summary>

    /// <summary>Kafka connection options and the process's one idempotent producer.</summary>
    public static IServiceCollection AddKafkaProducer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaOptions>()
            .Bind(configuration.GetSection(KafkaOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KafkaPublisher>();
        services.TryAddSingleton<IKafkaPublisher>(provider => provider.GetRequiredService<KafkaPublisher>());
        return services;
    }

    /// <summary>
    /// A hosted batch consumer for <typeparamref name="THandler"/>, configured from <paramref name="optionsSection"/>,
    /// with its heartbeat as a readiness check.
    /// </summary>
    public static IServiceCollection AddKafkaBatchConsumer<THandler>(this IServiceCollection services, IConfiguration configuration, string optionsSection)
        where THandler : class, IBatchHandler
    {
        services.AddKafkaProducer(configuration);
        var name = typeof(THandler).Name;
        services.AddOptions<BatchConsumerOptions>(name)
            .Bind(configuration.GetSection(optionsSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton<KafkaMetrics>();
        // TryAdd: a handler registered beforehand (another lifetime, a factory, an instance) is kept.
        services.TryAddSingleton<THandler>();
        services.AddKeyedSingleton(name, (provider, _) => new ConsumerHeartbeat(provider.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton(name, (provider, _) => new BatchConsumer(
            provider.GetRequiredService<THandler>(),
            provider.GetRequiredService<IOptions<KafkaOptions>>().Value,
            provider.GetRequiredService<IOptionsMonitor<BatchConsumerOptions>>().Get(name),
            provider.GetRequiredService<IKafkaPublisher>(),
            provider.GetRequiredKeyedService<ConsumerHeartbeat>(name),
            provider.GetRequiredService<KafkaMetrics>(),
            provider.GetRequiredService<ILogger<BatchConsumer>>()));
        services.AddSingleton<IHostedService>(provider => new BatchConsumerService(provider.GetRequiredKeyedService<BatchConsumer>(name)));
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            $"kafka-consumer-{name}",
            provider => new ConsumerHeartbeatHealthCheck(
                provider.GetRequiredKeyedService<ConsumerHeartbeat>(name),
                provider.GetRequiredService<IOptionsMonitor<BatchConsumerOptions>>().Get(name).HeartbeatTimeout),
            failureStatus: null,
            tags: [HealthTags.Ready]));
        return services;
    }
}
