namespace MedicalExaminer.Contracts;

// Case events of the scrutiny workflow (DOMAIN §5). The actor, time and case id are on the
// CaseEvent envelope. Free text (summaries, notes, cause-of-death text) is case data for the
// office and the family notifier; regulator-facing outputs never carry it.

/// <summary>
/// Before assignment (kept so that older histories still read): an ME or MEO took the case for a claim that lapsed
/// after an idle time. New cases record <see cref="CaseAssigned"/> instead; the workflow reads this one as an
/// assignment in the claimant's role.
/// </summary>
public sealed record CaseClaimed(string ClaimedBy, string Queue) : CaseEventBody;

/// <summary>
/// The case is assigned to a person in a role (<c>medical-examiner</c> or <c>medical-examiner-officer</c>) until
/// released or handed over: taken by the assignee (<see cref="HandedOverBy"/> null), or handed over to them by a
/// colleague or an admin, with a note for the person taking it on. An ME and an MEO may be assigned at once.
/// </summary>
public sealed record CaseAssigned(string AssigneeId, string AssigneeRole, string Queue, string? HandedOverBy, string? Note) : CaseEventBody;

/// <summary>
/// An assignment ended: <c>released</c> by its holder or an admin, or <c>lapsed</c> after the office's idle time
/// (an office setting, off by default). <see cref="AssigneeRole"/> names the role whose assignment ended (absent on
/// releases recorded before assignment, which ended the single claim).
/// </summary>
public sealed record CaseReleased(string ReleasedFrom, string Reason, string Queue, string? AssigneeRole = null) : CaseEventBody;

/// <summary>An ME confirmed that the coroner must be notified (from review, or as the scrutiny outcome).</summary>
public sealed record CoronerReferralConfirmed(IReadOnlyList<string> ReasonCodes, string? Note) : CaseEventBody;

/// <summary>An ME decided that triage's referral recommendation does not apply; the case goes to scrutiny.</summary>
public sealed record CoronerReferralOverridden(string Reason, string Queue) : CaseEventBody;

/// <summary>The coroner investigates: the ME's part ends.</summary>
public sealed record CoronerAccepted(string? Note) : CaseEventBody;

/// <summary>The coroner declined and returned the death to ME scrutiny, with the coroner's decision.</summary>
public sealed record CoronerDeclined(string Decision, string Queue) : CaseEventBody;

public sealed record RecordsReviewed(string? Summary) : CaseEventBody;

/// <summary>The AP and the ME agreed the cause of death (MCCD parts Ia–Ic, II).</summary>
public sealed record AttendingPractitionerDiscussed(string Ia, string? Ib, string? Ic, string? Ii, string? Note) : CaseEventBody;

/// <summary>Outcome of the conversation with the bereaved: <c>held</c>, <c>declined</c> or <c>not-reachable</c>.</summary>
public sealed record BereavedDiscussed(string Outcome, bool ConcernsRaised, string? Summary) : CaseEventBody;

/// <summary>A flag for follow-up: <c>clinical-governance</c> (e.g. SJR), <c>leder</c> or <c>cdop</c>.</summary>
public sealed record ConcernRaised(string Kind, string? Summary) : CaseEventBody;

/// <summary>The urgent-release request was decided (<c>approved</c> or <c>declined</c>); target hours as configured for the office.</summary>
public sealed record UrgentReleaseDecided(string Decision, DateTimeOffset RequestedAt, int TargetHours, string? Note) : CaseEventBody;

/// <summary>Scrutiny complete: the MCCD with the agreed cause can be issued and the death registered.</summary>
public sealed record MccdIssued(string Ia, string? Ib, string? Ic, string? Ii, DateTimeOffset DateTimeOfDeath) : CaseEventBody;

/// <summary>A completed case was reopened for scrutiny, with the reason.</summary>
public sealed record CaseReopened(string Reason) : CaseEventBody;

/// <summary>Coded values used by the workflow events.</summary>
public static class WorkflowCodes
{
    public static readonly IReadOnlyList<string> BereavedOutcomes = ["held", "declined", "not-reachable"];
    public static readonly IReadOnlyList<string> ConcernKinds = ["clinical-governance", "leder", "cdop"];
    public static readonly IReadOnlyList<string> UrgentReleaseDecisions = ["approved", "declined"];
    public static readonly IReadOnlyList<string> ReleaseReasons = ["released", "lapsed"];
}

/// <summary>The roles of DOMAIN §8, as they appear in tokens and event actors.</summary>
public static class Roles
{
    public const string MedicalExaminer = "medical-examiner";
    public const string MedicalExaminerOfficer = "medical-examiner-officer";
    public const string Regulator = "regulator";
    public const string Admin = "admin";
    public const string Publisher = "publisher";
    public const string System = "system";
}
