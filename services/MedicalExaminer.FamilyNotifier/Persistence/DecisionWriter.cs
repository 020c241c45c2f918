using System.Text.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier.Decisions;
using Npgsql;

namespace MedicalExaminer.FamilyNotifier.Persistence;

/// <summary>What one batch of case events did: events new to the notifier, and notifications decided.</summary>
public sealed record DecisionResult(int NewEvents, int Duplicates, int Queued, int Withheld);

/// <summary>
/// Writes the effects of a batch of case events in one transaction: the inbox row of each event (a redelivered event
/// stops there), the case's contact from NotificationReceived, and for an event that triggers a template the decision
/// row — whose (case, template) unique key makes a second decision for the same template a no-op — with its
/// Queued/Withheld event in the family outbox. The consume loop stores offsets only after this commits.
/// </summary>
public sealed class DecisionWriter(NpgsqlDataSource dataSource)
{
    public async Task<DecisionResult> WriteAsync(IReadOnlyList<CaseEvent> events, DateTimeOffset now, QuietHours quietHours, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int fresh = 0, duplicates = 0, queued = 0, withheld = 0;
        var contacts = new Dictionary<Guid, CaseContact?>();
        foreach (var e in events)
        {
            const string inbox = """
                INSERT INTO family.processed_events (event_id, case_id, event_type, processed_at)
                VALUES (@EventId, @CaseId, @EventType, @now)
                ON CONFLICT (event_id) DO NOTHING
                """;
            if (await connection.ExecuteAsync(new CommandDefinition(
                    inbox, new { e.EventId, e.CaseId, e.Body.EventType, now }, transaction, cancellationToken: cancellationToken)) == 0)
            {
                duplicates++;
                continue;
            }

            fresh++;
            if (e.Body is NotificationReceived received)
            {
                var contact = new CaseContact(e.CaseId, received.OfficeId, received.Deceased, received.DateTimeOfDeath, received.Informant);
                await SaveContactAsync(connection, transaction, contact, now, cancellationToken);
                contacts[e.CaseId] = contact;
            }

            if (NotificationPolicy.TemplateFor(e.Body) is not { } template)
            {
                continue;
            }

            if (!contacts.TryGetValue(e.CaseId, out var caseContact))
            {
                caseContact = contacts[e.CaseId] = await LoadContactAsync(connection, transaction, e.CaseId, cancellationToken);
            }

            var decision = NotificationPolicy.Decide(caseContact, now, quietHours);
            if (await InsertDecisionAsync(connection, transaction, e, template, caseContact, decision, now, quietHours.Zone, cancellationToken))
            {
                if (decision.Send)
                {
                    queued++;
                }
                else
                {
                    withheld++;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new DecisionResult(fresh, duplicates, queued, withheld);
    }

    private static async Task SaveContactAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CaseContact contact, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO family.case_contacts (case_id, office_id, deceased_given, deceased_family, date_time_of_death, informant, received_at)
            VALUES (@CaseId, @OfficeId, @Given, @Family, @DateTimeOfDeath, @Informant::jsonb, @now)
            ON CONFLICT (case_id) DO NOTHING
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            contact.CaseId,
            contact.OfficeId,
            Given = contact.Deceased.GivenName,
            Family = contact.Deceased.FamilyName,
            DateTimeOfDeath = contact.DateTimeOfDeath.ToUniversalTime(),
            Informant = contact.Informant is null ? null : JsonSerializer.Serialize(contact.Informant, ContractsJsonContext.Default.Informant),
            now,
        }, transaction, cancellationToken: cancellationToken));
    }

    private static async Task<CaseContact?> LoadContactAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid caseId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT case_id AS CaseId, office_id AS OfficeId, deceased_given AS Given, deceased_family AS Family,
                   date_time_of_death AS DateTimeOfDeath, informant::text AS Informant
            FROM family.case_contacts WHERE case_id = @caseId
            """;
        var row = await connection.QuerySingleOrDefaultAsync<ContactRow>(new CommandDefinition(sql, new { caseId }, transaction, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new CaseContact(
                row.CaseId,
                row.OfficeId,
                new DeceasedSummary(row.Given, row.Family),
                new DateTimeOffset(DateTime.SpecifyKind(row.DateTimeOfDeath, DateTimeKind.Utc)),
                row.Informant is null ? null : JsonSerializer.Deserialize(row.Informant, ContractsJsonContext.Default.Informant));
    }

    private static async Task<bool> InsertDecisionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CaseEvent cause, string template, CaseContact? contact, Decision decision,
        DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO family.notifications
                (notification_id, case_id, template, cause_event_id, status, reason, channel, language, recipient, personalisation,
                 not_before, next_attempt_at, created_at, updated_at)
            VALUES (@NotificationId, @CaseId, @Template, @CauseEventId, @Status, @Reason, @Channel, @Language, @Recipient, @Personalisation::jsonb,
                    @NotBefore, @NotBefore, @now, @now)
            ON CONFLICT (case_id, template) DO NOTHING
            """;
        var notificationId = Guid.NewGuid();
        var personalisation = decision.Send
            ? JsonSerializer.Serialize(Personalisation.For(template, decision.Language!, decision.Channel!, contact!, cause.Body, zone), FamilyJsonContext.Default.DictionaryStringString)
            : null;
        var inserted = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            NotificationId = notificationId,
            cause.CaseId,
            Template = template,
            CauseEventId = cause.EventId,
            Status = decision.Send ? FamilyNotificationStatuses.Queued : FamilyNotificationStatuses.Withheld,
            Reason = decision.WithheldReason,
            decision.Channel,
            decision.Language,
            decision.Recipient,
            Personalisation = personalisation,
            NotBefore = decision.NotBefore.ToUniversalTime(),
            now,
        }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return false; // this template was already decided for this case: at most one message per (case, template)
        }

        await FamilyOutbox.AppendAsync(connection, transaction, new FamilyNotificationEvent
        {
            EventId = Guid.NewGuid(),
            NotificationId = notificationId,
            CaseId = cause.CaseId,
            Type = decision.Send ? FamilyNotificationEventTypes.Queued : FamilyNotificationEventTypes.Withheld,
            Template = template,
            Status = decision.Send ? FamilyNotificationStatuses.Queued : FamilyNotificationStatuses.Withheld,
            OccurredAt = now,
            CauseEventId = cause.EventId,
            Channel = decision.Channel,
            Language = decision.Language,
            NotBefore = decision.Send ? decision.NotBefore : null,
            Reason = decision.WithheldReason,
        }, cancellationToken);
        return true;
    }

    private sealed record ContactRow(Guid CaseId, string? OfficeId, string? Given, string? Family, DateTime DateTimeOfDeath, string? Informant);
}

/// <summary>Appends family-notification events to the family schema's outbox, in the caller's transaction.</summary>
public static class FamilyOutbox
{
    public static Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FamilyNotificationEvent e, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO family.outbox (event_id, case_id, event_type, payload, occurred_at)
            VALUES (@EventId, @CaseId, @Type, @Payload::jsonb, @OccurredAt)
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            e.EventId,
            e.CaseId,
            e.Type,
            Payload = JsonSerializer.Serialize(e, ContractsJsonContext.Default.FamilyNotificationEvent),
            e.OccurredAt,
        }, transaction, cancellationToken: cancellationToken));
    }
}
