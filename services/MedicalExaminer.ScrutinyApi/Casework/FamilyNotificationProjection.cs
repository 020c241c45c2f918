using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using Npgsql;

namespace MedicalExaminer.ScrutinyApi.Casework;

/// <summary>One family notification as the office sees it on the case page.</summary>
public sealed record FamilyNotificationItem(string Template, string Status, string? Channel, string? Language, string? Reason, string? ProviderStatus, int? Attempts, DateTimeOffset UpdatedAt);

/// <summary>
/// A Kafka projection: consumes <c>me.family-notifications.v1</c> into <c>casework.family_notifications</c> (the family notifier's events, not
/// its tables: DESIGN §5), one row per notification holding its latest state. A notification's events share a key (the
/// case id) and so arrive in order; the time guard also makes a redelivered older event a no-op.
/// </summary>
public sealed class FamilyNotificationProjection(NpgsqlDataSource dataSource) : IBatchHandler
{
    public const string MalformedEventCode = "malformed-family-notification-event";

    public async Task HandleAsync(MessageBatch batch, CancellationToken cancellationToken)
    {
        const string upsert = """
            INSERT INTO casework.family_notifications
                (notification_id, case_id, template, status, channel, language, reason, provider_status, attempts, updated_at, last_event_id)
            VALUES (@NotificationId, @CaseId, @Template, @Status, @Channel, @Language, @Reason, @ProviderStatus, @Attempts, @OccurredAt, @EventId)
            ON CONFLICT (notification_id) DO UPDATE SET
                status = excluded.status,
                channel = coalesce(excluded.channel, family_notifications.channel),
                language = coalesce(excluded.language, family_notifications.language),
                reason = excluded.reason,
                provider_status = coalesce(excluded.provider_status, family_notifications.provider_status),
                attempts = coalesce(excluded.attempts, family_notifications.attempts),
                updated_at = excluded.updated_at,
                last_event_id = excluded.last_event_id
            WHERE family_notifications.updated_at <= excluded.updated_at
            """;
        var events = new List<FamilyNotificationEvent>(batch.Messages.Count);
        foreach (var message in batch.Messages)
        {
            if (batch.TryDecode(message, ContractsJsonContext.Default.FamilyNotificationEvent, MalformedEventCode, out var e))
            {
                events.Add(e);
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var e in events)
        {
            await connection.ExecuteAsync(new CommandDefinition(upsert, new
            {
                e.NotificationId, e.CaseId, e.Template, e.Status, e.Channel, e.Language, e.Reason, e.ProviderStatus, e.Attempts,
                OccurredAt = e.OccurredAt.ToUniversalTime(), e.EventId,
            }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<FamilyNotificationItem>> ForCaseAsync(Guid caseId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT template AS Template, status AS Status, channel AS Channel, language AS Language, reason AS Reason,
                   provider_status AS ProviderStatus, attempts AS Attempts, updated_at AS UpdatedAt
            FROM casework.family_notifications WHERE case_id = @caseId ORDER BY updated_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, new { caseId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new FamilyNotificationItem(
            r.Template, r.Status, r.Channel, r.Language, r.Reason, r.ProviderStatus, r.Attempts, new DateTimeOffset(DateTime.SpecifyKind(r.UpdatedAt, DateTimeKind.Utc))))];
    }

    // Npgsql reads timestamptz as a UTC DateTime.
    private sealed record Row(string Template, string Status, string? Channel, string? Language, string? Reason, string? ProviderStatus, int? Attempts, DateTime UpdatedAt);
}
