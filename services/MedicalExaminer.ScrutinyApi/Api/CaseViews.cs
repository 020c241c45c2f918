using MedicalExaminer.Casework;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;

namespace MedicalExaminer.ScrutinyApi.Api;

/// <summary>Where a case stands after a command.</summary>
public sealed record CaseSummary(Guid CaseId, int Version, string State, string? Queue, string? OfficeId, string? AssignedExaminer, string? AssignedOfficer)
{
    public static CaseSummary From(CaseSnapshot c) => new(c.CaseId, c.Version, c.State, c.Queue, c.OfficeId, c.AssignedExaminer, c.AssignedOfficer);
}

public sealed record ScrutinyProgress(DateTimeOffset? RecordsReviewedAt, AgreedCause? AgreedCause, string? BereavedOutcome, bool? BereavedConcerns);

public sealed record CaseFlags(bool ClinicalGovernance, bool Leder, bool Cdop);

/// <summary>The whole case for the people who work it: never served to regulators.</summary>
public sealed record CaseView(
    CaseSummary Summary,
    string Route,
    DateTimeOffset DateTimeOfDeath,
    DateTimeOffset ReceivedAt,
    SlaState Scrutiny,
    SlaState? Registration,
    SlaState? UrgentRelease,
    string? UrgentReleaseReason,
    string? UrgentReleaseDecision,
    string? CoronerDecision,
    ScrutinyProgress Progress,
    CaseFlags Flags,
    IReadOnlyList<string> OutstandingForMccd,
    DeathNotification Notification,
    IReadOnlyList<TriageReasonView> Reasons,
    IReadOnlyList<TimelineEntry> Timeline)
{
    public static CaseView From(CaseDetail d)
    {
        var c = d.Case;
        return new CaseView(
            CaseSummary.From(c), c.Route, c.DateTimeOfDeath, c.ReceivedAt, d.Scrutiny, d.Registration, d.UrgentRelease,
            c.UrgentReleaseReason, c.UrgentReleaseDecision, c.CoronerDecision,
            new ScrutinyProgress(c.RecordsReviewedAt, c.AgreedCause, c.BereavedOutcome, c.BereavedConcerns),
            new CaseFlags(c.ClinicalGovernanceFlag, c.LederFlag, c.CdopFlag),
            d.OutstandingForMccd, d.Notification, d.Reasons, d.Timeline);
    }
}
