using System.Text.Json;
using MedicalExaminer.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace MedicalExaminer.Casework;

/// <summary>
/// Writes a whole batch of new cases in ONE transaction with set-based SQL: binary COPY into
/// session-local staging tables, then a single statement that inserts the cases with
/// <c>ON CONFLICT DO NOTHING</c> (the idempotency key is (source_system, notification_id)) and,
/// for the rows actually inserted, their triage reasons, outbox events and history. A redelivered
/// notification therefore never opens a second case and never emits its events twice.
/// </summary>
public sealed class CaseIntakeWriter(NpgsqlDataSource dataSource)
{
    // INCLUDING DEFAULTS: the workflow's columns (claims, scrutiny progress) start at their defaults.
    // ON COMMIT DELETE ROWS keeps the staging tables empty between batches on a pooled connection;
    // IF NOT EXISTS because a pooled connection may or may not still hold them.
    private const string CreateStagingSql = """
        CREATE TEMP TABLE IF NOT EXISTS intake_cases (LIKE casework.cases INCLUDING DEFAULTS) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS intake_reasons (LIKE casework.triage_reasons) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS intake_events (
            event_id uuid NOT NULL, case_id uuid NOT NULL, sequence integer NOT NULL,
            event_type text NOT NULL, payload jsonb NOT NULL, occurred_at timestamptz NOT NULL
        ) ON COMMIT DELETE ROWS;
        """;

    private const string CaseColumns = """
        case_id, source_system, notification_id, publisher_ods_code, site_ods_code,
        office_id, state, queue, route, place_of_death, date_time_of_death,
        urgent_release_reason, leder_flag, cdop_flag, notification, received_at, updated_at,
        version, last_event_sequence
        """;

    private const string ReasonColumns = "case_id, ordinal, code, source, evidence";
    private const string EventColumns = "event_id, case_id, sequence, event_type, payload, occurred_at";

    private const string CopyCasesSql = $"COPY intake_cases ({CaseColumns}) FROM STDIN (FORMAT BINARY)";

    private const string CopyReasonsSql = $"COPY intake_reasons ({ReasonColumns}) FROM STDIN (FORMAT BINARY)";

    private const string CopyEventsSql = $"COPY intake_events ({EventColumns}) FROM STDIN (FORMAT BINARY)";

    // One statement: the CTEs see the same snapshot, and the joins on `inserted` make reasons and
    // events follow only the cases that were new.
    private const string MergeSql = $"""
        WITH inserted AS (
            INSERT INTO casework.cases
            SELECT * FROM intake_cases
            ON CONFLICT (source_system, notification_id) DO NOTHING
            RETURNING case_id
        ), reasons AS (
            INSERT INTO casework.triage_reasons (case_id, ordinal, code, source, evidence)
            SELECT r.case_id, r.ordinal, r.code, r.source, r.evidence
            FROM intake_reasons r JOIN inserted i ON i.case_id = r.case_id
        ), new_events AS (
            SELECT e.case_id, e.sequence, e.event_id, e.event_type, @actorId AS actor_id, @actorRole AS actor_role, e.occurred_at, e.payload
            FROM intake_events e JOIN inserted i ON i.case_id = e.case_id
        ), {CaseEventLog.AppendNewEventsCtes}
        SELECT case_id FROM inserted
        """;

    public async Task<IntakeWriteResult> WriteAsync(IReadOnlyList<NewCase> cases, CancellationToken cancellationToken)
    {
        if (cases.Count == 0)
        {
            return new IntakeWriteResult(new HashSet<Guid>());
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var create = new NpgsqlCommand(CreateStagingSql, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyCasesAsync(connection, CopyCasesSql, cases, cancellationToken);
        await CopyReasonsAsync(connection, CopyReasonsSql, cases, cancellationToken);
        await CopyEventsAsync(connection, CopyEventsSql, cases, cancellationToken);

        var created = new HashSet<Guid>();
        await using (var merge = new NpgsqlCommand(MergeSql, connection, transaction)
        {
            Parameters =
            {
                new("actorId", NewCaseFactory.Actor.Id),
                new("actorRole", NewCaseFactory.Actor.Role),
            },
        })
        await using (var reader = await merge.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                created.Add(reader.GetGuid(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new IntakeWriteResult(created);
    }

    /// <summary>
    /// The raw limit the benchmark harness (perf/) measures intake against: the same rows binary-COPYed
    /// straight into the final tables, with no staging, no dedupe and no Kafka. Not for production use:
    /// a redelivered notification would violate the unique key.
    /// </summary>
    internal static async Task CopyDirectAsync(NpgsqlConnection connection, IReadOnlyList<NewCase> cases, CancellationToken ct)
    {
        await CopyCasesAsync(connection, $"COPY casework.cases ({CaseColumns}) FROM STDIN (FORMAT BINARY)", cases, ct);
        await CopyReasonsAsync(connection, $"COPY casework.triage_reasons ({ReasonColumns}) FROM STDIN (FORMAT BINARY)", cases, ct);
        await CopyEventsAsync(connection, $"COPY casework.outbox ({EventColumns}) FROM STDIN (FORMAT BINARY)", cases, ct);
        await CopyEventsAsync(connection, $"COPY casework.case_history ({EventColumns}, actor_id, actor_role) FROM STDIN (FORMAT BINARY)", cases, ct, NewCaseFactory.Actor);
    }

    private static async Task CopyCasesAsync(NpgsqlConnection connection, string copySql, IReadOnlyList<NewCase> cases, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(copySql, ct);
        foreach (var c in cases)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(c.CaseId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(c.SourceSystem, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(c.NotificationId, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(c.PublisherOdsCode, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(c.SiteOdsCode, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, c.OfficeId, ct);
            await writer.WriteAsync(c.State, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(c.Queue, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(c.Route, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(c.PlaceOfDeath, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(c.DateTimeOfDeath.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await WriteNullableAsync(writer, c.UrgentReleaseReason, ct);
            await writer.WriteAsync(c.LederFlag, NpgsqlDbType.Boolean, ct);
            await writer.WriteAsync(c.CdopFlag, NpgsqlDbType.Boolean, ct);
            await writer.WriteAsync(c.NotificationJson, NpgsqlDbType.Jsonb, ct);
            await writer.WriteAsync(c.ReceivedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(c.ReceivedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(1, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(c.Events.Count, NpgsqlDbType.Integer, ct);
        }

        await writer.CompleteAsync(ct);
    }

    private static async Task CopyReasonsAsync(NpgsqlConnection connection, string copySql, IReadOnlyList<NewCase> cases, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(copySql, ct);
        foreach (var c in cases)
        {
            for (short ordinal = 0; ordinal < c.Reasons.Count; ordinal++)
            {
                var reason = c.Reasons[ordinal];
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(c.CaseId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(ordinal, NpgsqlDbType.Smallint, ct);
                await writer.WriteAsync(reason.Code, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(reason.Source, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(reason.Evidence, NpgsqlDbType.Text, ct);
            }
        }

        await writer.CompleteAsync(ct);
    }

    private static async Task CopyEventsAsync(NpgsqlConnection connection, string copySql, IReadOnlyList<NewCase> cases, CancellationToken ct, EventActor? actor = null)
    {
        await using var writer = await connection.BeginBinaryImportAsync(copySql, ct);
        foreach (var c in cases)
        {
            foreach (var caseEvent in c.Events)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(caseEvent.EventId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(caseEvent.CaseId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(caseEvent.Sequence, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(caseEvent.Body.EventType, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(JsonSerializer.Serialize(caseEvent, ContractsJsonContext.Default.CaseEvent), NpgsqlDbType.Jsonb, ct);
                await writer.WriteAsync(caseEvent.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
                if (actor is not null)
                {
                    await writer.WriteAsync(actor.Id, NpgsqlDbType.Text, ct);
                    await writer.WriteAsync(actor.Role, NpgsqlDbType.Text, ct);
                }
            }
        }

        await writer.CompleteAsync(ct);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken ct) =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, NpgsqlDbType.Text, ct);
}
