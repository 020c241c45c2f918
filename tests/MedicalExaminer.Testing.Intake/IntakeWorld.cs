using Confluent.Kafka;
using Dapper;
using MedicalExaminer.IntakeWorker;
using MedicalExaminer.Casework;
using MedicalExaminer.SyntheticData;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MedicalExaminer.Testing.Intake;

/// <summary>
/// One test's intake world: a fresh migrated database with the demo ME offices, fresh notification and
/// dead-letter topics on the shared mock cluster, and the real intake worker consuming them in-process.
/// </summary>
public sealed class IntakeWorld : IAsyncDisposable
{
    private readonly WebApplication _worker;
    private readonly KafkaClusterFixture _kafka;

    private IntakeWorld(WebApplication worker, NpgsqlDataSource dataSource, string topic, string groupId, KafkaClusterFixture kafka)
    {
        _worker = worker;
        _kafka = kafka;
        DataSource = dataSource;
        Topic = topic;
        GroupId = groupId;
        BootstrapServers = kafka.BootstrapServers;
    }

    public NpgsqlDataSource DataSource { get; }

    public string Topic { get; }

    public string GroupId { get; }

    public string BootstrapServers { get; }

    public string DeadLetterTopic { get; private init; } = "";

    /// <summary>The worker's services, e.g. to see that its consume loop still runs.</summary>
    public IServiceProvider Services => _worker.Services;

    /// <param name="configure">Runs last on the worker's builder (e.g. to capture its logs).</param>
    public static async Task<IntakeWorld> StartAsync(PostgresFixture postgres, KafkaClusterFixture kafka, Action<WebApplicationBuilder>? configure = null)
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await OfficeRegistry.UpsertAsync(dataSource, DemoOffices.All, CancellationToken.None);
        var topic = kafka.CreateTopic("notifications", 3);
        var deadLetters = kafka.CreateTopic("notifications-dlq", 1);
        var groupId = KafkaClusterFixture.NewGroupId("intake");
        var worker = IntakeWorkerExtensions.BuildIntakeWorker([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
                ["Postgres:ConnectionString"] = connectionString,
                ["Intake:Consumer:Topic"] = topic,
                ["Intake:Consumer:DeadLetterTopic"] = deadLetters,
                ["Intake:Consumer:GroupId"] = groupId,
                ["Intake:Consumer:MaxBatchWait"] = "00:00:00.050",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        await worker.StartAsync();
        return new IntakeWorld(worker, dataSource, topic, groupId, kafka) { DeadLetterTopic = deadLetters };
    }

    public async Task<Dictionary<string, CaseRow>> CasesAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<CaseRow>("""
            SELECT source_system || ':' || notification_id AS Key, office_id AS OfficeId, queue AS Queue, route AS Route
            FROM casework.cases
            """)).ToDictionary(c => c.Key);
    }

    public async Task WaitForCasesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await CasesAsync()).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout}: {count} cases are opened");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the worker's group has committed every partition's end: nothing more is coming.</summary>
    public async Task WaitForGroupToCatchUpAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_kafka.IsGroupCaughtUp(Topic, GroupId))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout}: the intake group commits every partition's end");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync();
        await _worker.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}

/// <summary>A case as intake opened it, keyed <c>{sourceSystem}:{notificationId}</c>.</summary>
public sealed record CaseRow(string Key, string? OfficeId, string Queue, string Route);
