using MedicalExaminer.Domain.Casework;

namespace MedicalExaminer.ScrutinyApi.Api;

/// <summary>
/// The body of <c>POST /api/cases/{caseId}/{command}</c>: the fields each step takes (unused ones
/// omitted) and the version of the case the caller last read. Field names match the case events.
/// </summary>
public sealed record CaseCommandRequest
{
    /// <summary>The case version the caller read (also accepted as an <c>If-Match</c> header); required except to take (claim) or release.</summary>
    public int? ExpectedVersion { get; init; }

    public string? Note { get; init; }
    public string? Reason { get; init; }
    public string? Decision { get; init; }
    public string? Summary { get; init; }
    public string? Ia { get; init; }
    public string? Ib { get; init; }
    public string? Ic { get; init; }
    public string? Ii { get; init; }

    /// <summary>Bereaved discussion: <c>held</c>, <c>declined</c> or <c>not-reachable</c>.</summary>
    public string? Outcome { get; init; }

    public bool? ConcernsRaised { get; init; }

    /// <summary>Concern: <c>clinical-governance</c>, <c>leder</c> or <c>cdop</c>.</summary>
    public string? Kind { get; init; }

    public IReadOnlyList<string>? ReasonCodes { get; init; }

    /// <summary>Hand over: the colleague who takes the case on (user id), and the role whose assignment passes (admins name it).</summary>
    public string? ToUserId { get; init; }

    public string? Role { get; init; }

    public string? OfficeId { get; init; }
}

/// <summary>The steps a person can take on a case, by the name used in the route.</summary>
public static class CaseCommands
{
    private static readonly Dictionary<string, Func<CaseCommandRequest, CaseCommand>> ByName = new(StringComparer.Ordinal)
    {
        ["claim"] = _ => new ClaimCase(),
        ["release"] = _ => new ReleaseCase(),
        ["hand-over"] = r => new HandOverCase(r.ToUserId, r.Role, r.Note),
        ["confirm-coroner-referral"] = r => new ConfirmCoronerReferral(r.Note),
        ["override-coroner-referral"] = r => new OverrideCoronerReferral(r.Reason),
        ["record-coroner-accepted"] = r => new RecordCoronerAccepted(r.Note),
        ["record-coroner-declined"] = r => new RecordCoronerDeclined(r.Decision),
        ["record-records-review"] = r => new RecordRecordsReview(r.Summary),
        ["record-ap-discussion"] = r => new RecordApDiscussion(r.Ia, r.Ib, r.Ic, r.Ii, r.Note),
        ["record-bereaved-discussion"] = r => new RecordBereavedDiscussion(r.Outcome, r.ConcernsRaised, r.Summary),
        ["raise-concern"] = r => new RaiseConcern(r.Kind, r.Summary),
        ["decide-urgent-release"] = r => new DecideUrgentRelease(r.Decision, r.Note),
        ["issue-mccd"] = _ => new IssueMccd(),
        ["refer-to-coroner"] = r => new ReferToCoroner(r.ReasonCodes, r.Note),
        ["reopen"] = r => new ReopenCase(r.Reason),
        ["assign-office"] = r => new AssignOffice(r.OfficeId),
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static CaseCommand? Create(string name, CaseCommandRequest request) =>
        ByName.TryGetValue(name, out var create) ? create(request) : null;

    /// <summary>Taking and releasing are about who holds the case, not its content: no version needed (handing over checks it).</summary>
    public static bool NeedsVersion(CaseCommand command) => command is not (ClaimCase or ReleaseCase);
}
