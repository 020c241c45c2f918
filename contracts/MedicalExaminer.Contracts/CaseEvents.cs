using System.Text.Json.Serialization;

namespace MedicalExaminer.Contracts;

/// <summary>
/// One case event on <see cref="Topics.CaseEvents"/>, keyed by case id so one case's events stay ordered.
/// Consumers dedupe by <see cref="EventId"/>; <see cref="Sequence"/> orders a case's events.
/// </summary>
public sealed record CaseEvent
{
    public int SchemaVersion { get; init; } = 1;
    public required Guid EventId { get; init; }
    public required Guid CaseId { get; init; }

    /// <summary>1-based position of this event in its case's history.</summary>
    public required int Sequence { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
    public required EventActor Actor { get; init; }
    public required CaseEventBody Body { get; init; }
}

/// <summary>Who caused the event: a person (user id, role, office) or a service (<c>system</c>).</summary>
public sealed record EventActor(string Id, string Role, string? OfficeId)
{
    public static EventActor Service(string serviceName) => new(serviceName, "system", null);
}

/// <summary>The fact an event records. The discriminator <c>type</c> is the event's past-tense name.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(NotificationReceived), nameof(NotificationReceived))]
[JsonDerivedType(typeof(CaseTriaged), nameof(CaseTriaged))]
[JsonDerivedType(typeof(CaseRoutedToScrutiny), nameof(CaseRoutedToScrutiny))]
[JsonDerivedType(typeof(CaseRoutedToCoronerReferralReview), nameof(CaseRoutedToCoronerReferralReview))]
[JsonDerivedType(typeof(CaseClaimed), nameof(CaseClaimed))]
[JsonDerivedType(typeof(CaseAssigned), nameof(CaseAssigned))]
[JsonDerivedType(typeof(CaseReleased), nameof(CaseReleased))]
[JsonDerivedType(typeof(CoronerReferralConfirmed), nameof(CoronerReferralConfirmed))]
[JsonDerivedType(typeof(CoronerReferralOverridden), nameof(CoronerReferralOverridden))]
[JsonDerivedType(typeof(CoronerAccepted), nameof(CoronerAccepted))]
[JsonDerivedType(typeof(CoronerDeclined), nameof(CoronerDeclined))]
[JsonDerivedType(typeof(RecordsReviewed), nameof(RecordsReviewed))]
[JsonDerivedType(typeof(AttendingPractitionerDiscussed), nameof(AttendingPractitionerDiscussed))]
[JsonDerivedType(typeof(BereavedDiscussed), nameof(BereavedDiscussed))]
[JsonDerivedType(typeof(ConcernRaised), nameof(ConcernRaised))]
[JsonDerivedType(typeof(UrgentReleaseDecided), nameof(UrgentReleaseDecided))]
[JsonDerivedType(typeof(MccdIssued), nameof(MccdIssued))]
[JsonDerivedType(typeof(CaseReopened), nameof(CaseReopened))]
public abstract record CaseEventBody
{
    [JsonIgnore]
    public string EventType => GetType().Name;
}

/// <summary>
/// A new case was opened from a death notification. Carries what downstream contexts need
/// (family contact, metrics dimensions) so that no process reads casework's tables.
/// Contact details are payload data: they never go into logs, traces or metric labels.
/// </summary>
public sealed record NotificationReceived(
    string SourceSystem,
    string NotificationId,
    string PublisherOdsCode,
    string SiteOdsCode,
    string PlaceOfDeath,
    DateTimeOffset DateTimeOfDeath,
    int? AgeAtDeathYears,
    bool LearningDisabilityOrAutism,
    string? UrgentReleaseReason,
    string? OfficeId,
    DeceasedSummary Deceased,
    Informant? Informant) : CaseEventBody;

/// <summary>The deceased's name for family-facing personalisation; never logged.</summary>
public sealed record DeceasedSummary(string? GivenName, string? FamilyName);

/// <summary>The statutory triage ran; route and reasons exactly as <see cref="TriageDecision"/>.</summary>
public sealed record CaseTriaged(string Route, IReadOnlyList<TriageReason> Reasons) : CaseEventBody;

/// <summary>The case entered a scrutiny queue (<c>scrutiny</c> or <c>urgent-release</c>), or <c>unrouted</c> when no office matched.</summary>
public sealed record CaseRoutedToScrutiny(string? OfficeId, string Queue) : CaseEventBody;

/// <summary>Triage recommended coroner notification; an ME must confirm or override.</summary>
public sealed record CaseRoutedToCoronerReferralReview(string? OfficeId, string Queue) : CaseEventBody;
