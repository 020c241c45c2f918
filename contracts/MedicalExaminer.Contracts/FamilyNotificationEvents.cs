namespace MedicalExaminer.Contracts;

/// <summary>
/// One event on <see cref="Topics.FamilyNotifications"/> (DOMAIN §6), keyed by case id, written by the family
/// notifier through its outbox. It says what happened to one family notification — the decision, each send
/// attempt's outcome and the provider's delivery status — and carries no contact detail or name, so the office's
/// systems can show it without reading the family schema. Consumers dedupe by <see cref="EventId"/>.
/// </summary>
public sealed record FamilyNotificationEvent
{
    public int SchemaVersion { get; init; } = 1;
    public required Guid EventId { get; init; }

    /// <summary>The notification's own stable id (one per case and template), also sent to the provider as its reference.</summary>
    public required Guid NotificationId { get; init; }

    public required Guid CaseId { get; init; }

    /// <summary>The past-tense event name, one of <see cref="FamilyNotificationEventTypes.All"/>.</summary>
    public required string Type { get; init; }

    /// <summary>One of <see cref="FamilyTemplates.All"/>.</summary>
    public required string Template { get; init; }

    /// <summary>The notification's status after this event, one of <see cref="FamilyNotificationStatuses.All"/>.</summary>
    public required string Status { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The case event that triggered the notification.</summary>
    public required Guid CauseEventId { get; init; }

    /// <summary><c>email</c>, <c>sms</c> or <c>letter</c>; absent when the notification is withheld.</summary>
    public string? Channel { get; init; }

    /// <summary><c>en</c> or <c>cy</c>; absent when the notification is withheld.</summary>
    public string? Language { get; init; }

    /// <summary>Queued: not sent before this time (SMS quiet hours).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Send attempts (HTTP requests, or calls refused by an open circuit) made so far.</summary>
    public int? Attempts { get; init; }

    /// <summary>The provider's id for the message, once it accepted it.</summary>
    public Guid? ProviderNotificationId { get; init; }

    /// <summary>The provider's status (<c>created</c>, <c>sending</c>, <c>delivered</c>, <c>permanent-failure</c>, …).</summary>
    public string? ProviderStatus { get; init; }

    /// <summary>HTTP status of the failed attempt, when there was a response.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>Withheld or failed: a code saying why (e.g. <c>no-consent</c>, <c>provider-rejected</c>); never a value from the message.</summary>
    public string? Reason { get; init; }

    /// <summary>Failed: true when nothing more will be tried for this notification.</summary>
    public bool? Final { get; init; }
}

public static class FamilyNotificationEventTypes
{
    /// <summary>The notification was decided and queued for sending.</summary>
    public const string Queued = "FamilyNotificationQueued";

    /// <summary>The notification was decided but will not be sent (no consent, no informant, no contact detail).</summary>
    public const string Withheld = "FamilyNotificationWithheld";

    /// <summary>The provider accepted the message.</summary>
    public const string Sent = "FamilyNotificationSent";

    /// <summary>The provider reported it delivered.</summary>
    public const string Delivered = "FamilyNotificationDelivered";

    /// <summary>An attempt failed (retried later unless <see cref="FamilyNotificationEvent.Final"/>), or the provider reported a failure.</summary>
    public const string Failed = "FamilyNotificationFailed";

    public static readonly IReadOnlyList<string> All = [Queued, Withheld, Sent, Delivered, Failed];
}

public static class FamilyNotificationStatuses
{
    public const string Queued = "queued";
    public const string Withheld = "withheld";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Queued, Withheld, Sent, Delivered, Failed];
}

/// <summary>The bereaved-family templates of DOMAIN §6; each exists in English and Welsh.</summary>
public static class FamilyTemplates
{
    public const string CaseReceived = "case-received";
    public const string UrgentReleaseDecided = "urgent-release-decided";
    public const string ReferredToCoroner = "referred-to-coroner";
    public const string CoronerDeclined = "coroner-declined";
    public const string MccdIssued = "mccd-issued";

    public static readonly IReadOnlyList<string> All = [CaseReceived, UrgentReleaseDecided, ReferredToCoroner, CoronerDeclined, MccdIssued];
}
