using System.Diagnostics.Metrics;
using MedicalExaminer.Kafka;
using MedicalExaminer.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>The <see cref="CrashPoint"/> reached after a batch is acknowledged by Kafka and before it is marked published.</summary>
    public const string AfterPublishCrashPoint = "OutboxAfterPublish";

    /// <summary>
    /// Runs the outbox relay for the schema configured under <c>Outbox</c> beside this writer.
    /// Needs the service's <see cref="NpgsqlDataSource"/> and Kafka options to be registered.
    /// </summary>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKafkaProducer(configuration);
        services.AddOptions<OutboxRelayOptions>()
            .Bind(configuration.GetSection(OutboxRelayOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider =>
        {
            var relay = new OutboxRelay(
                provider.GetRequiredService<NpgsqlDataSource>(),
                provider.GetRequiredService<IKafkaPublisher>(),
                provider.GetRequiredService<IOptions<OutboxRelayOptions>>().Value,
                provider.GetRequiredService<IMeterFactory>(),
                provider.GetRequiredService<ILogger<OutboxRelay>>());
            // Fault-matrix tests only (inert unless CrashPoints:OutboxAfterPublish is set): die between publish and mark.
            if (CrashPoint.Create(configuration, AfterPublishCrashPoint) is { } crash)
            {
                relay.AfterPublish = _ =>
                {
                    crash();
                    return Task.CompletedTask;
                };
            }

            return relay;
        });
        services.AddSingleton<IHostedService>(provider => new OutboxRelayService(
            provider.GetRequiredService<OutboxRelay>(),
            provider.GetRequiredService<IOptions<OutboxRelayOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<OutboxRelayService>>()));
        return services;
    }
}
