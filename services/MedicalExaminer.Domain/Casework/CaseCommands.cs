using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Casework;

/// <summary>Who asks: a person of an office (user id, role, office) or a service.</summary>
public sealed record Actor(string Id, string Role, string? OfficeId)
{
    public EventActor ToEventActor() => new(Id, Role, OfficeId);
}

/// <summary>A request to change a case (imperative), decided by <see cref="CaseWorkflow.Decide"/>.</summary>
public abstract record CaseCommand
{
    /// <summary>The name used in routes, audit rows and error messages, e.g. <c>record-ap-discussion</c>.</summary>
    public abstract string Name { get; }
}

public sealed record ClaimCase : CaseCommand
{
    public override string Name => "claim";
}

public sealed record ReleaseCase : CaseCommand
{
    public override string Name => "release";
}

/// <summary>The sweeper's command: end a claim whose idle time has run out.</summary>
public sealed record LapseClaim : CaseCommand
{
    public override string Name => "lapse-claim";
}

public sealed record ConfirmCoronerReferral(string? Note) : CaseCommand
{
    public override string Name => "confirm-coroner-referral";
}

public sealed record OverrideCoronerReferral(string? Reason) : CaseCommand
{
    public override string Name => "override-coroner-referral";
}

public sealed record RecordCoronerAccepted(string? Note) : CaseCommand
{
    public override string Name => "record-coroner-accepted";
}

public sealed record RecordCoronerDeclined(string? Decision) : CaseCommand
{
    public override string Name => "record-coroner-declined";
}

public sealed record RecordRecordsReview(string? Summary) : CaseCommand
{
    public override string Name => "record-records-review";
}

public sealed record RecordApDiscussion(string? Ia, string? Ib, string? Ic, string? Ii, string? Note) : CaseCommand
{
    public override string Name => "record-ap-discussion";
}

public sealed record RecordBereavedDiscussion(string? Outcome, bool? ConcernsRaised, string? Summary) : CaseCommand
{
    public override string Name => "record-bereaved-discussion";
}

public sealed record RaiseConcern(string? Kind, string? Summary) : CaseCommand
{
    public override string Name => "raise-concern";
}

public sealed record DecideUrgentRelease(string? Decision, string? Note) : CaseCommand
{
    public override string Name => "decide-urgent-release";
}

/// <summary>Outcome: the ME agrees the cause with the AP and the MCCD is issued.</summary>
public sealed record IssueMccd : CaseCommand
{
    public override string Name => "issue-mccd";
}

/// <summary>Outcome: scrutiny finds the coroner must be notified, for the given statutory reasons.</summary>
public sealed record ReferToCoroner(IReadOnlyList<string>? ReasonCodes, string? Note) : CaseCommand
{
    public override string Name => "refer-to-coroner";
}

public sealed record ReopenCase(string? Reason) : CaseCommand
{
    public override string Name => "reopen";
}

/// <summary>An admin routes an unrouted case to an office (which must exist: the caller checks).</summary>
public sealed record AssignOffice(string? OfficeId) : CaseCommand
{
    public override string Name => "assign-office";
}
