using MedicalExaminer.Contracts;

namespace MedicalExaminer.Metrics.Projection;

/// <summary>
/// What the projection keeps of a case event: codes and times only. Free text (notes, summaries, cause
/// of death) and personal data never enter the metrics schema, so no output can leak them.
/// </summary>
public sealed record ProjectedEvent(
    Guid EventId,
    Guid CaseId,
    int Sequence,
    string EventType,
    DateTimeOffset OccurredAt,
    string? OfficeId = null,
    DateTimeOffset? DateTimeOfDeath = null,
    string? Route = null,
    string[]? Codes = null,
    string? Outcome = null,
    DateTimeOffset? RequestedAt = null,
    int? TargetHours = null,
    string? PlaceOfDeath = null,
    int? AgeAtDeathYears = null,
    bool? LearningDisabilityOrAutism = null)
{
    /// <summary>The kept part of <paramref name="e"/>, or null when the event bears on no metric (claims, notes, ...).</summary>
    public static ProjectedEvent? From(CaseEvent e)
    {
        var row = new ProjectedEvent(e.EventId, e.CaseId, e.Sequence, e.Body.EventType, e.OccurredAt);
        return e.Body switch
        {
            // Intake's LeDeR and CDOP flags are derived from these (no ConcernRaised is published for them).
            NotificationReceived x => row with
            {
                OfficeId = x.OfficeId, DateTimeOfDeath = x.DateTimeOfDeath, PlaceOfDeath = x.PlaceOfDeath,
                AgeAtDeathYears = x.AgeAtDeathYears, LearningDisabilityOrAutism = x.LearningDisabilityOrAutism,
            },
            CaseRoutedToScrutiny x => row with { OfficeId = x.OfficeId },
            CaseRoutedToCoronerReferralReview x => row with { OfficeId = x.OfficeId },
            // A code may be raised by more than one piece of evidence; a case counts once per code.
            CaseTriaged x => row with { Route = x.Route, Codes = [.. x.Reasons.Select(r => r.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] },
            CoronerReferralConfirmed x => row with { Codes = [.. x.ReasonCodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] },
            CoronerAccepted or CoronerDeclined or MccdIssued or CaseReopened => row,
            BereavedDiscussed x => row with { Outcome = x.Outcome },
            ConcernRaised x => row with { Outcome = x.Kind },
            UrgentReleaseDecided x => row with { Outcome = x.Decision, RequestedAt = x.RequestedAt, TargetHours = x.TargetHours },
            _ => null,
        };
    }
}
