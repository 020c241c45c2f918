using MedicalExaminer.Contracts;
using MedicalExaminer.Casework;
using MedicalExaminer.Kafka.Embedded;
using MedicalExaminer.Migrations;
using MedicalExaminer.Postgres;
using MedicalExaminer.SyntheticData;
using Npgsql;

namespace MedicalExaminer.DevHost;

/// <summary>
/// The infrastructure the dev host stands on: the configured Kafka and Postgres, or, when none is
/// configured, librdkafka's mock cluster and a throwaway local PostgreSQL. Migrated and loaded with
/// the demo ME offices before any service starts.
/// </summary>
public sealed class DevInfrastructure : IAsyncDisposable
{
    private MockKafkaCluster? _kafka;
    private LocalPostgres? _postgres;

    public required string BootstrapServers { get; init; }
    public required string ConnectionString { get; init; }
    public bool EmbeddedKafka => _kafka is not null;
    public bool LocalPostgres => _postgres is not null;

    public static async Task<DevInfrastructure> StartAsync(IConfiguration configuration, DevHostOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        MockKafkaCluster? kafka = null;
        LocalPostgres? postgres = null;
        try
        {
            var bootstrap = configuration["Kafka:BootstrapServers"];
            if (string.IsNullOrWhiteSpace(bootstrap))
            {
                kafka = MockKafkaCluster.Start(brokers: 3);
                foreach (var topic in new[] { Topics.DeathNotifications, Topics.DeathNotificationsDeadLetter, Topics.CaseEvents, Topics.CaseEventsMetricsDeadLetter, Topics.ScrutinyMetrics, Topics.FamilyNotifications, Topics.FamilyNotifierDeadLetter })
                {
                    kafka.CreateTopic(topic, options.Partitions);
                }

                bootstrap = kafka.BootstrapServers;
            }

            var connectionString = configuration["Postgres:ConnectionString"];
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                postgres = await Postgres.LocalPostgres.StartAsync(cancellationToken: cancellationToken);
                connectionString = postgres.ConnectionString;
            }

            await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            {
                var applied = await new MigrationRunner(dataSource).MigrateAsync(cancellationToken);
                logger.LogInformation("Database migrated ({Applied} migrations applied)", applied.Count);
                await OfficeRegistry.UpsertAsync(dataSource, DemoOffices.All, cancellationToken);
            }

            return new DevInfrastructure { BootstrapServers = bootstrap, ConnectionString = connectionString, _kafka = kafka, _postgres = postgres };
        }
        catch
        {
            kafka?.Dispose();
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _kafka?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
