using Npgsql;
using NpgsqlTypes;

namespace MedicalExaminer.Metrics.Projection;

/// <summary>A case whose facts changed in a batch, with where and when it counts (for the live instruments).</summary>
public sealed record ChangedFact(Guid CaseId, string? OfficeId, DateOnly? DeathMonth, bool ScrutinyCompleted, double? HoursDeathToMccd);

/// <summary>What a batch changed: the events that were new, and the recomputed facts of their cases.</summary>
public sealed record ProjectionResult(IReadOnlySet<Guid> NewEventIds, IReadOnlyList<ChangedFact> Changed)
{
    public static readonly ProjectionResult Nothing = new(new HashSet<Guid>(), []);
}

/// <summary>Writes kept events and recomputes the facts of the cases they belong to, in one transaction.</summary>
public sealed class ProjectionStore(NpgsqlDataSource dataSource)
{
    private const string CreateStaging = """
        CREATE TEMP TABLE IF NOT EXISTS metrics_events_staging (LIKE metrics.events) ON COMMIT DELETE ROWS
        """;

    private const string CopyStaging = """
        COPY metrics_events_staging (event_id, case_id, sequence, event_type, occurred_at, office_id, date_time_of_death,
                                     route, codes, outcome, requested_at, target_hours,
                                     place_of_death, age_at_death_years, learning_disability_or_autism) FROM STDIN (FORMAT BINARY)
        """;

    // Dedupe by event id: a redelivered or replayed event inserts nothing and so changes no fact.
    private const string InsertNew = """
        INSERT INTO metrics.events
        SELECT DISTINCT ON (event_id) * FROM metrics_events_staging ORDER BY event_id
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id, case_id
        """;

    // A case's facts from all of its kept events, in the case's own sequence order: which office
    // holds it now (the last routing), its triage, whether it stands completed (the last MCCD is
    // later than the last reopening), its flags. Only the changed cases are recomputed.
    private const string RecomputeFacts = """
        WITH e AS (
            SELECT * FROM metrics.events WHERE case_id = ANY(@caseIds)
        ),
        triage AS (
            SELECT DISTINCT ON (case_id) case_id, route, codes
            FROM e WHERE event_type = 'CaseTriaged' ORDER BY case_id, sequence DESC
        ),
        urgent AS (
            SELECT DISTINCT ON (case_id) case_id, occurred_at <= requested_at + make_interval(hours => target_hours) AS met
            FROM e WHERE event_type = 'UrgentReleaseDecided' ORDER BY case_id, sequence DESC
        ),
        folded AS (
            SELECT case_id,
                   (array_agg(office_id ORDER BY sequence DESC) FILTER (
                        WHERE event_type IN ('NotificationReceived', 'CaseRoutedToScrutiny', 'CaseRoutedToCoronerReferralReview')))[1] AS office_id,
                   (array_agg(date_time_of_death ORDER BY sequence) FILTER (WHERE event_type = 'NotificationReceived'))[1] AS date_time_of_death,
                   bool_or(event_type = 'NotificationReceived') AS notified,
                   bool_or(event_type = 'CoronerReferralConfirmed') AS referred_to_coroner,
                   bool_or(event_type = 'CoronerDeclined') AS coroner_declined,
                   bool_or(event_type = 'CoronerAccepted') AS coroner_accepted,
                   max(sequence) FILTER (WHERE event_type = 'MccdIssued') AS last_mccd,
                   max(sequence) FILTER (WHERE event_type = 'CaseReopened') AS last_reopened,
                   (array_agg(occurred_at ORDER BY sequence DESC) FILTER (WHERE event_type = 'MccdIssued'))[1] AS mccd_issued_at,
                   bool_or(event_type = 'BereavedDiscussed' AND outcome = 'held') AS bereaved_discussion_held,
                   bool_or(event_type = 'ConcernRaised' AND outcome = 'clinical-governance') AS clinical_governance_concern,
                   -- LeDeR and CDOP: flagged at intake (learning disability or autism; a death under 18) or later.
                   -- (NULL intake values, on rows kept before the projection kept them, count as not flagged.)
                   coalesce(bool_or(event_type = 'ConcernRaised' AND outcome = 'leder'
                           OR event_type = 'NotificationReceived' AND learning_disability_or_autism), false) AS leder_flag,
                   coalesce(bool_or(event_type = 'ConcernRaised' AND outcome = 'cdop'
                           OR event_type = 'NotificationReceived' AND age_at_death_years < 18), false) AS cdop_flag,
                   max(sequence) AS last_sequence
            FROM e GROUP BY case_id
        ),
        facts AS (
            SELECT f.case_id, f.office_id, f.date_time_of_death,
                   date_trunc('month', f.date_time_of_death AT TIME ZONE 'Europe/London')::date AS death_month,
                   f.notified,
                   coalesce(t.route = 'coroner-referral', false) AS coroner_referral_recommended,
                   CASE WHEN t.route = 'coroner-referral' THEN coalesce(t.codes, '{}') ELSE '{}' END AS recommended_reasons,
                   f.referred_to_coroner, f.coroner_declined, f.coroner_accepted,
                   coalesce(f.last_mccd > coalesce(f.last_reopened, 0), false) AS scrutiny_completed,
                   CASE WHEN f.last_mccd > coalesce(f.last_reopened, 0) THEN f.mccd_issued_at END AS mccd_issued_at,
                   f.bereaved_discussion_held, f.clinical_governance_concern, f.leder_flag, f.cdop_flag,
                   u.case_id IS NOT NULL AS urgent_release_decided,
                   coalesce(u.met, false) AS urgent_release_met,
                   f.last_sequence
            FROM folded f
            LEFT JOIN triage t USING (case_id)
            LEFT JOIN urgent u USING (case_id)
        )
        INSERT INTO metrics.case_facts AS c
        SELECT * FROM facts
        ON CONFLICT (case_id) DO UPDATE SET
            office_id = EXCLUDED.office_id,
            date_time_of_death = EXCLUDED.date_time_of_death,
            death_month = EXCLUDED.death_month,
            notified = EXCLUDED.notified,
            coroner_referral_recommended = EXCLUDED.coroner_referral_recommended,
            recommended_reasons = EXCLUDED.recommended_reasons,
            referred_to_coroner = EXCLUDED.referred_to_coroner,
            coroner_declined = EXCLUDED.coroner_declined,
            coroner_accepted = EXCLUDED.coroner_accepted,
            scrutiny_completed = EXCLUDED.scrutiny_completed,
            mccd_issued_at = EXCLUDED.mccd_issued_at,
            bereaved_discussion_held = EXCLUDED.bereaved_discussion_held,
            clinical_governance_concern = EXCLUDED.clinical_governance_concern,
            leder_flag = EXCLUDED.leder_flag,
            cdop_flag = EXCLUDED.cdop_flag,
            urgent_release_decided = EXCLUDED.urgent_release_decided,
            urgent_release_met = EXCLUDED.urgent_release_met,
            last_sequence = EXCLUDED.last_sequence
        RETURNING c.case_id, c.office_id, c.death_month, c.scrutiny_completed,
                  extract(epoch FROM c.mccd_issued_at - c.date_time_of_death)::float8 / 3600
        """;

    /// <summary>Keeps the new events among <paramref name="events"/> and returns the facts they changed.</summary>
    public async Task<ProjectionResult> ApplyAsync(IReadOnlyCollection<ProjectedEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return ProjectionResult.Nothing;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(CreateStaging, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyAsync(connection, events, cancellationToken);

        var newEvents = new HashSet<Guid>();
        var changedCases = new HashSet<Guid>();
        await using (var insert = new NpgsqlCommand(InsertNew, connection, transaction))
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                newEvents.Add(reader.GetGuid(0));
                changedCases.Add(reader.GetGuid(1));
            }
        }

        var changed = new List<ChangedFact>(changedCases.Count);
        if (changedCases.Count > 0)
        {
            await using var recompute = new NpgsqlCommand(RecomputeFacts, connection, transaction);
            recompute.Parameters.Add(new NpgsqlParameter<Guid[]>("caseIds", [.. changedCases]));
            await using var reader = await recompute.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                changed.Add(new ChangedFact(
                    reader.GetGuid(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2),
                    reader.GetBoolean(3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new ProjectionResult(newEvents, changed);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IEnumerable<ProjectedEvent> events, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(CopyStaging, cancellationToken);
        foreach (var e in events)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(e.EventId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(e.CaseId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(e.Sequence, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(e.EventType, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(e.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(writer, e.OfficeId, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.DateTimeOfDeath?.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(writer, e.Route, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.Codes, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.Outcome, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.RequestedAt?.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(writer, e.TargetHours, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(writer, e.PlaceOfDeath, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.AgeAtDeathYears, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(writer, e.LearningDisabilityOrAutism, NpgsqlDbType.Boolean, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, type, cancellationToken);
}
