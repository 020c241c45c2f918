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

/// <summary>Assign the case to the caller in their role (examiner or officer): "take" it, from a queue or by take next.</summary>
public sealed record ClaimCase : CaseCommand
{
    public override string Name => "claim";
}

/// <summary>End the caller's own assignment (an admin ends both).</summary>
public sealed record ReleaseCase : CaseCommand
{
    public override string Name => "release";
}

/// <summary>
/// Hand the assignment in <paramref name="Role"/> over to a named colleague of the office, with a note for them:
/// by its holder, or by an admin (reassignment).
/// </summary>
public sealed record HandOverCase(string? ToUserId, string? Role, string? Note) : CaseCommand
{
    public override string Name => "hand-over";
}

/// <summary>The sweeper's command: end the assignments idle for longer than the office allows (when it sets a limit).</summary>
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
