using MedicalExaminer.Casework;
using MedicalExaminer.Kafka.Embedded;
using MedicalExaminer.Migrations;
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
    private readonly LocalPostgres? _postgres;
    private readonly string? _server;
    private int _databases;

    private PerfEnvironment(LocalPostgres? postgres, string? server, MockKafkaCluster kafka)
    {
        _postgres = postgres;
        _server = server;
        Kafka = kafka;
    }

    public MockKafkaCluster Kafka { get; }

    public string BootstrapServers => Kafka.BootstrapServers;

    /// <summary>
    /// Starts the throwaway Postgres, or uses <paramref name="server"/> (a connection string to a database on a
    /// server where the harness may create databases) to measure another Postgres, e.g. one with
    /// pg_stat_statements loaded when profiling.
    /// </summary>
    public static async Task<PerfEnvironment> StartAsync(string? server, CancellationToken cancellationToken)
    {
        var postgres = server is null ? await LocalPostgres.StartAsync(cancellationToken: cancellationToken) : null;
        var kafka = MockKafkaCluster.Start(brokers: 3);
        kafka.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
        return new PerfEnvironment(postgres, server, kafka);
    }

    /// <summary>A fresh database at the latest schema version, holding the demo ME offices.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose, int maxPoolSize = 50, CancellationToken cancellationToken = default)
    {
        var name = $"perf_{purpose.Replace('-', '_')}_{Interlocked.Increment(ref _databases)}_{Environment.ProcessId}";
        var connectionString = new NpgsqlConnectionStringBuilder(_postgres is not null ? await _postgres.CreateDatabaseAsync(name, cancellationToken) : await CreateOnServerAsync(name, cancellationToken))
        {
            MaxPoolSize = maxPoolSize,
        }.ConnectionString;
        await using var dataSource = PostgresServiceCollectionExtensions.CreateDataSource(connectionString);
        await new MigrationRunner(dataSource).MigrateAsync(cancellationToken);
        await OfficeRegistry.UpsertAsync(dataSource, DemoOffices.All, cancellationToken);
        return connectionString;
    }

    private async Task<string> CreateOnServerAsync(string name, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(_server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(_server) { Database = name }.ConnectionString;
    }

    /// <summary>CPU seconds Postgres (postmaster and backends) has used so far; NaN for a server the harness did not start.</summary>
    public double PostgresCpuSeconds() =>
        _postgres is not null && CpuMeter.PostmasterPid(Path.Combine(_postgres.RootDirectory, "data")) is { } pid ? CpuMeter.TreeSeconds(pid) : double.NaN;

    /// <summary>CPU seconds this harness process (the mock Kafka brokers live here) has used so far.</summary>
    public static double HarnessCpuSeconds() => CpuMeter.TreeSeconds(Environment.ProcessId);

    public string CreateTopic(string prefix, int partitions)
    {
        var topic = $"{prefix}-{Guid.NewGuid():N}";
        Kafka.CreateTopic(topic, partitions);
        return topic;
    }

    public async ValueTask DisposeAsync()
    {
        Kafka.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
