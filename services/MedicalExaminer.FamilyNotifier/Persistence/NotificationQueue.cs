using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Notify;
using Npgsql;

namespace MedicalExaminer.FamilyNotifier.Persistence;

/// <summary>A queued notification a dispatcher took (leased) to send.</summary>
public sealed record ClaimedNotification(
    Guid NotificationId,
    Guid CaseId,
    string Template,
    Guid CauseEventId,
    string Channel,
    string Language,
    string? Recipient,
    string Personalisation,
    int Claims,
    int Attempts,
    DateTime CreatedAtUtc)
{
    // Npgsql reads timestamptz as a UTC DateTime; Dapper maps records by exact constructor types.
    public DateTimeOffset CreatedAt => new(DateTime.SpecifyKind(CreatedAtUtc, DateTimeKind.Utc));
}

/// <summary>An accepted message whose delivery status is due to be asked.</summary>
public sealed record SentNotification(Guid NotificationId, Guid CaseId, string Template, Guid CauseEventId, string Channel, string Language, Guid ProviderId, int Attempts, DateTime SentAtUtc)
{
    public DateTimeOffset SentAt => new(DateTime.SpecifyKind(SentAtUtc, DateTimeKind.Utc));
}

/// <summary>
/// The durable send queue (family.notifications): due rows are leased rather than locked, so no transaction stays open
/// across an HTTP call; a dispatcher that dies leaves a lease that expires, and the next claim knows (claims &gt; 1)
/// that a message may already be at the provider. Every state change writes its event to the family outbox in the
/// same transaction.
/// </summary>
public sealed class NotificationQueue(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE family.notifications n
            SET lease_until = @leaseUntil, claims = claims + 1, updated_at = @now
            WHERE notification_id IN (
                SELECT notification_id FROM family.notifications
                WHERE status = 'queued' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY next_attempt_at
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            RETURNING notification_id AS NotificationId, case_id AS CaseId, template AS Template, cause_event_id AS CauseEventId,
                      channel AS Channel, language AS Language, recipient AS Recipient, personalisation::text AS Personalisation,
                      claims AS Claims, attempts AS Attempts, created_at AS CreatedAtUtc
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ClaimedNotification>(new CommandDefinition(
            sql, new { now, leaseUntil = now + lease, limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>Not now (SMS quiet hours): back in the queue for later, no attempt made.</summary>
    public async Task DeferAsync(Guid notificationId, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE family.notifications SET next_attempt_at = @until, not_before = @until, lease_until = NULL, updated_at = @now
            WHERE notification_id = @notificationId AND status = 'queued'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { notificationId, until, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a send's attempts and its outcome: accepted (sent), transient (queued again at <paramref name="retryAt"/>), or failed for good.</summary>
    public async Task RecordSendAsync(ClaimedNotification claimed, SendOutcome outcome, DateTimeOffset now, DateTimeOffset? retryAt, DateTimeOffset nextPoll, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        const string insertAttempt = """
            INSERT INTO family.attempts (notification_id, attempt, started_at, duration_ms, outcome, http_status)
            VALUES (@NotificationId, @Attempt, @StartedAt, @DurationMs, @Outcome, @HttpStatus)
            """;
        var attempts = outcome.Attempts.Select((a, i) => new
        {
            claimed.NotificationId,
            Attempt = claimed.Attempts + i + 1,
            a.StartedAt,
            DurationMs = (int)Math.Min(int.MaxValue, a.Duration.TotalMilliseconds),
            a.Outcome,
            a.HttpStatus,
        }).ToList();
        if (attempts.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(insertAttempt, attempts, transaction, cancellationToken: cancellationToken));
        }

        var total = claimed.Attempts + attempts.Count;
        var (status, type, final) = outcome.Result switch
        {
            SendResult.Accepted => (FamilyNotificationStatuses.Sent, FamilyNotificationEventTypes.Sent, (bool?)null),
            SendResult.Transient when retryAt is not null => (FamilyNotificationStatuses.Queued, FamilyNotificationEventTypes.Failed, false),
            _ => (FamilyNotificationStatuses.Failed, FamilyNotificationEventTypes.Failed, (bool?)true),
        };
        var reason = outcome.Result == SendResult.Accepted ? null : outcome.Result == SendResult.Transient && retryAt is null ? "gave-up" : outcome.ErrorCode;

        const string update = """
            UPDATE family.notifications
            SET status = @status, attempts = @total, lease_until = NULL, updated_at = @now, reason = @reason,
                next_attempt_at = coalesce(@retryAt, next_attempt_at),
                provider_id = coalesce(@ProviderNotificationId, provider_id),
                provider_status = coalesce(@ProviderStatus, provider_status),
                sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END,
                next_poll_at = CASE WHEN @status = 'sent' THEN @nextPoll ELSE next_poll_at END,
                completed_at = CASE WHEN @status = 'failed' THEN @now ELSE completed_at END
            WHERE notification_id = @NotificationId AND status = 'queued'
            """;
        var updated = await connection.ExecuteAsync(new CommandDefinition(update, new
        {
            status, total, now, reason, retryAt, outcome.ProviderNotificationId, outcome.ProviderStatus, nextPoll, claimed.NotificationId,
        }, transaction, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            // Another dispatcher took over after our lease ran out and got there first: its record stands.
            return;
        }

        await FamilyOutbox.AppendAsync(connection, transaction, new FamilyNotificationEvent
        {
            EventId = Guid.NewGuid(),
            NotificationId = claimed.NotificationId,
            CaseId = claimed.CaseId,
            Type = type,
            Template = claimed.Template,
            Status = status,
            OccurredAt = now,
            CauseEventId = claimed.CauseEventId,
            Channel = claimed.Channel,
            Language = claimed.Language,
            Attempts = total,
            ProviderNotificationId = outcome.ProviderNotificationId,
            ProviderStatus = outcome.ProviderStatus,
            HttpStatus = outcome.Result == SendResult.Accepted ? null : outcome.HttpStatus,
            Reason = reason,
            Final = final,
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SentNotification>> DuePollsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT notification_id AS NotificationId, case_id AS CaseId, template AS Template, cause_event_id AS CauseEventId,
                   channel AS Channel, language AS Language, provider_id AS ProviderId, attempts AS Attempts, sent_at AS SentAtUtc
            FROM family.notifications
            WHERE status = 'sent' AND next_poll_at <= @now
            ORDER BY next_poll_at
            LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<SentNotification>(new CommandDefinition(sql, new { now, limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>Records the provider's status: final ones end the notification (delivered or failed) and are published once.</summary>
    public async Task RecordStatusAsync(SentNotification sent, string? providerStatus, DateTimeOffset now, DateTimeOffset? nextPoll, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var final = providerStatus is not null && NotifyStatuses.IsFinal(providerStatus);
        var giveUp = !final && nextPoll is null;
        var status = final
            ? (NotifyStatuses.IsDelivered(providerStatus!) ? FamilyNotificationStatuses.Delivered : FamilyNotificationStatuses.Failed)
            : giveUp ? FamilyNotificationStatuses.Failed : FamilyNotificationStatuses.Sent;

        const string sql = """
            UPDATE family.notifications
            SET status = @status, provider_status = coalesce(@providerStatus, provider_status), updated_at = @now,
                next_poll_at = @nextPoll, reason = @reason,
                completed_at = CASE WHEN @status IN ('delivered', 'failed') THEN @now ELSE completed_at END
            WHERE notification_id = @NotificationId AND status = 'sent'
            """;
        var reason = status == FamilyNotificationStatuses.Failed ? (giveUp ? "status-unknown" : providerStatus) : null;
        var updated = await connection.ExecuteAsync(new CommandDefinition(sql, new { status, providerStatus, now, nextPoll, reason, sent.NotificationId }, transaction, cancellationToken: cancellationToken));
        if (updated == 1 && status != FamilyNotificationStatuses.Sent)
        {
            await FamilyOutbox.AppendAsync(connection, transaction, new FamilyNotificationEvent
            {
                EventId = Guid.NewGuid(),
                NotificationId = sent.NotificationId,
                CaseId = sent.CaseId,
                Type = status == FamilyNotificationStatuses.Delivered ? FamilyNotificationEventTypes.Delivered : FamilyNotificationEventTypes.Failed,
                Template = sent.Template,
                Status = status,
                OccurredAt = now,
                CauseEventId = sent.CauseEventId,
                Channel = sent.Channel,
                Language = sent.Language,
                Attempts = sent.Attempts,
                ProviderNotificationId = sent.ProviderId,
                ProviderStatus = providerStatus,
                Reason = reason,
                Final = status == FamilyNotificationStatuses.Failed ? true : null,
            }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
