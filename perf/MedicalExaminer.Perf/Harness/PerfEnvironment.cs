using MedicalExaminer.IntakeWorker.Persistence;
using MedicalExaminer.Kafka.Embedded;
using MedicalExaminer.Migrator;
using MedicalExaminer.Postgres;
using MedicalExaminer.SyntheticData;
using Npgsql;

namespace MedicalExaminer.Perf.Harness;

/// <summary>
/// What every scenario runs on, started by the harness itself: a throwaway PostgreSQL 15 (same settings as
/// the dev host and tests: fsync off, since the cluster is deleted afterwards) and librdkafka's mock cluster
/// (3 brokers) over TCP on 127.0.0.1. Each scenario gets fresh databases and topics.
/// </summary>
public sealed class PerfEnvironment : IAsyncDisposable
{
    private readonly LocalPostgres _postgres;
    private int _databases;

    private PerfEnvironment(LocalPostgres postgres, MockKafkaCluster kafka)
    {
        _postgres = postgres;
        Kafka = kafka;
    }

    public MockKafkaCluster Kafka { get; }

    public string BootstrapServers => Kafka.BootstrapServers;

    public static async Task<PerfEnvironment> StartAsync(CancellationToken cancellationToken)
    {
        var postgres = await LocalPostgres.StartAsync(cancellationToken: cancellationToken);
        var kafka = MockKafkaCluster.Start(brokers: 3);
        kafka.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
        return new PerfEnvironment(postgres, kafka);
    }

    /// <summary>A fresh database at the latest schema version, holding the demo ME offices.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose, int maxPoolSize = 50, CancellationToken cancellationToken = default)
    {
        var name = $"perf_{purpose.Replace('-', '_')}_{Interlocked.Increment(ref _databases)}";
        var connectionString = new NpgsqlConnectionStringBuilder(await _postgres.CreateDatabaseAsync(name, cancellationToken))
        {
            MaxPoolSize = maxPoolSize,
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new MigrationRunner(dataSource).MigrateAsync(cancellationToken);
        await OfficeRegistry.UpsertAsync(dataSource, DemoOffices.All, cancellationToken);
        return connectionString;
    }

    public string CreateTopic(string prefix, int partitions)
    {
        var topic = $"{prefix}-{Guid.NewGuid():N}";
        Kafka.CreateTopic(topic, partitions);
        return topic;
    }

    public async ValueTask DisposeAsync()
    {
        Kafka.Dispose();
        await _postgres.DisposeAsync();
    }
}
