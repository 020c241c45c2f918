using MedicalExaminer.Casework;
using MedicalExaminer.Postgres;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Perf.Harness;
using MedicalExaminer.SyntheticData;

namespace MedicalExaminer.Perf.Scenarios;

/// <summary>
/// The naive twin: what intake costs written the obvious way, with plain Confluent.Kafka and Npgsql (Dapper for
/// parameters) and the same domain code: one message, one transaction of single-row INSERTs, one synchronous
/// offset commit. It separates the cost of Kafka and Postgres round trips from the batching design.
/// </summary>
public static class NaiveTwin
{
    private const string InsertCaseSql = """
        INSERT INTO casework.cases (case_id, source_system, notification_id, publisher_ods_code, site_ods_code,
            office_id, state, queue, route, place_of_death, date_time_of_death,
            urgent_release_reason, leder_flag, cdop_flag, notification, received_at, updated_at, version, last_event_sequence)
        VALUES (@CaseId, @SourceSystem, @NotificationId, @PublisherOdsCode, @SiteOdsCode, @OfficeId, @State, @Queue, @Route,
            @PlaceOfDeath, @DateTimeOfDeath, @UrgentReleaseReason, @LederFlag, @CdopFlag,
            @NotificationJson::jsonb, @ReceivedAt, @ReceivedAt, 1, @EventCount)
        ON CONFLICT (source_system, notification_id) DO NOTHING
        """;

    private const string InsertReasonSql =
        "INSERT INTO casework.triage_reasons (case_id, ordinal, code, source, evidence) VALUES (@CaseId, @Ordinal, @Code, @Source, @Evidence)";

    private const string InsertOutboxSql = """
        INSERT INTO casework.outbox (event_id, case_id, sequence, event_type, payload, occurred_at)
        VALUES (@EventId, @CaseId, @Sequence, @EventType, @Payload::jsonb, @OccurredAt)
        """;

    private const string InsertHistorySql = """
        INSERT INTO casework.case_history (case_id, sequence, event_id, event_type, actor_id, actor_role, occurred_at, payload)
        VALUES (@CaseId, @Sequence, @EventId, @EventType, 'intake-worker', 'system', @OccurredAt, @Payload::jsonb)
        """;

    public static async Task<(int Messages, double Seconds)> RunAsync(PerfEnvironment environment, string topic, int messages, CancellationToken cancellationToken)
    {
        var database = await environment.CreateDatabaseAsync("naive", cancellationToken: cancellationToken);
        await using var dataSource = PostgresServiceCollectionExtensions.CreateDataSource(database);
        var offices = new OfficeDirectory(DemoOffices.All);
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = environment.BootstrapServers,
            GroupId = $"perf-naive-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        var done = 0;
        long started = 0;
        while (done < messages)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException("The naive twin received nothing for 30 s.");
            if (started == 0)
            {
                started = Stopwatch.GetTimestamp();
            }

            var now = DateTimeOffset.UtcNow;
            if (DeathNotificationParser.Parse(result.Message.Value, now).Accepted is { } accepted)
            {
                var c = NewCaseFactory.Create(accepted, IntakePlanner.Plan(accepted, offices), result.Message.Value, now);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var inserted = await connection.ExecuteAsync(InsertCaseSql, new
                {
                    c.CaseId, c.SourceSystem, c.NotificationId, c.PublisherOdsCode, c.SiteOdsCode, c.OfficeId, c.State, c.Queue, c.Route,
                    c.PlaceOfDeath, DateTimeOfDeath = c.DateTimeOfDeath.UtcDateTime,
                    c.UrgentReleaseReason, c.LederFlag, c.CdopFlag, c.NotificationJson, ReceivedAt = c.ReceivedAt.UtcDateTime, EventCount = c.Events.Count,
                }, transaction);
                if (inserted == 1)
                {
                    for (short i = 0; i < c.Reasons.Count; i++)
                    {
                        var r = c.Reasons[i];
                        await connection.ExecuteAsync(InsertReasonSql, new { c.CaseId, Ordinal = i, r.Code, r.Source, r.Evidence }, transaction);
                    }

                    foreach (var e in c.Events)
                    {
                        var row = new
                        {
                            e.EventId, e.CaseId, e.Sequence, EventType = e.Body.EventType,
                            Payload = JsonSerializer.Serialize(e, ContractsJsonContext.Default.CaseEvent), OccurredAt = e.OccurredAt.UtcDateTime,
                        };
                        await connection.ExecuteAsync(InsertOutboxSql, row, transaction);
                        await connection.ExecuteAsync(InsertHistorySql, row, transaction);
                    }
                }

                await transaction.CommitAsync(cancellationToken);
            }

            consumer.Commit(result);
            done++;
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        consumer.Close();
        return (done, seconds);
    }
}
