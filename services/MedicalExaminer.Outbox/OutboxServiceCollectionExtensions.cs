using System.Diagnostics.Metrics;
using MedicalExaminer.Kafka;
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
        services.AddSingleton(provider => new OutboxRelay(
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredService<IKafkaPublisher>(),
            provider.GetRequiredService<IOptions<OutboxRelayOptions>>().Value,
            provider.GetRequiredService<IMeterFactory>(),
            provider.GetRequiredService<ILogger<OutboxRelay>>()));
        services.AddSingleton<IHostedService>(provider => new OutboxRelayService(
            provider.GetRequiredService<OutboxRelay>(),
            provider.GetRequiredService<IOptions<OutboxRelayOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<OutboxRelayService>>()));
        return services;
    }
}
