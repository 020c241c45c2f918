using Confluent.Kafka;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Casework;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.IntakeWorker.Tests;

/// <summary>
/// One test's world: a fresh migrated database holding the demo ME offices, a fresh notifications
/// topic with its dead-letter topic, and a fresh consumer group, on the shared Postgres and mock cluster.
/// </summary>
public sealed class IntakeScenario : IAsyncDisposable
{
    public required string BootstrapServers { get; init; }
    public required string ConnectionString { get; init; }
    public required string Topic { get; init; }
    public required string DeadLetterTopic { get; init; }
    public required string GroupId { get; init; }
    public required NpgsqlDataSource DataSource { get; init; }

    /// <param name="connectionString">A migrated database the test prepared itself (the owner's connection); a fresh one when null.</param>
    public static async Task<IntakeScenario> CreateAsync(PostgresFixture postgres, KafkaClusterFixture kafka, int partitions = 6, string? connectionString = null)
    {
        connectionString ??= await postgres.CreateMigratedDatabaseAsync();
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await OfficeRegistry.UpsertAsync(dataSource, DemoOffices.All, TestContext.Current.CancellationToken);
        var topic = kafka.CreateTopic("notifications", partitions);
        return new IntakeScenario
        {
            BootstrapServers = kafka.BootstrapServers,
            ConnectionString = connectionString,
            Topic = topic,
            DeadLetterTopic = kafka.CreateTopic("notifications-dlq", 1),
            GroupId = $"intake-{Guid.NewGuid():N}",
            DataSource = dataSource,
        };
    }

    public async Task PublishAsync(IEnumerable<(string Key, byte[] Value)> messages)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build();

        var deliveries = new List<Task>();
        foreach (var (key, value) in messages)
        {
            var headers = new Confluent.Kafka.Headers { { Contracts.Headers.Schema, "death-notification/1"u8.ToArray() } };
            deliveries.Add(producer.ProduceAsync(Topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers }));
        }

        await Task.WhenAll(deliveries);
    }

    public async Task<long> CaseCountAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.cases");
    }

    public async Task<long> OutboxCountAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.outbox");
    }

    public async Task<IReadOnlyList<CaseRow>> CasesAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<CaseRow>("""
            SELECT case_id AS CaseId, source_system AS SourceSystem, notification_id AS NotificationId,
                   office_id AS OfficeId, queue AS Queue, route AS Route, state AS State,
                   place_of_death AS PlaceOfDeath, last_event_sequence AS LastEventSequence
            FROM casework.cases
            """)).ToList();
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes; never a bare sleep.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string invariant)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout}: {invariant}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the consumer group has committed offsets up to the end of every partition.</summary>
    public async Task WaitForGroupToCatchUpAsync(TimeSpan timeout)
    {
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = GroupId,
            EnableAutoCommit = false,
        }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var partitions = admin.GetMetadata(Topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions
            .Select(p => new TopicPartition(Topic, p.PartitionId)).ToList();

        await WaitUntilAsync(() =>
        {
            var committed = probe.Committed(partitions, TimeSpan.FromSeconds(10));
            var caughtUp = committed.All(c =>
            {
                var end = probe.QueryWatermarkOffsets(c.TopicPartition, TimeSpan.FromSeconds(10)).High;
                return end == 0 || (c.Offset != Offset.Unset && c.Offset.Value >= end.Value);
            });
            return Task.FromResult(caughtUp);
        }, timeout, "the intake consumer group commits offsets up to the end of every partition");
    }

    /// <summary>Sum of the group's committed offsets over the topic's partitions (0 when nothing is committed).</summary>
    public long CommittedOffsetTotal()
    {
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = GroupId }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var partitions = admin.GetMetadata(Topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions
            .Select(p => new TopicPartition(Topic, p.PartitionId)).ToList();
        return probe.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(c => c.Offset == Offset.Unset ? 0 : c.Offset.Value);
    }

    public List<ConsumeResult<string, byte[]>> ReadDeadLetters(int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = $"dlq-reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(DeadLetterTopic);
        var results = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is not null && !result.IsPartitionEOF)
            {
                results.Add(result);
            }
        }

        consumer.Close();
        return results;
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}

public sealed record CaseRow(Guid CaseId, string SourceSystem, string NotificationId, string? OfficeId, string Queue, string Route, string State, string PlaceOfDeath, int LastEventSequence);
