using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Casework;

/// <summary>Why a command was refused. The API maps each kind to its HTTP status.</summary>
public enum RefusalKind
{
    /// <summary>Bad input: field-level errors (400).</summary>
    Invalid,

    /// <summary>The role may not do this at all (403).</summary>
    NotPermitted,

    /// <summary>The case is not in a state where this step applies (409).</summary>
    IllegalTransition,

    /// <summary>The case is assigned to somebody else in the caller's role, or the caller must take it first (409).</summary>
    ClaimConflict,
}

/// <summary>
/// Per-office settings the workflow applies. <paramref name="AssignmentIdleTime"/>: an assignment nobody has worked for
/// this long lapses (taken over by the next person, or ended by the sweeper); null, the default, means never.
/// <paramref name="ScrutinyTargetHours"/>: the office's scrutiny target from death (DOMAIN §4).
/// </summary>
public sealed record WorkflowSettings(
    TimeSpan? AssignmentIdleTime = null, int UrgentReleaseTargetHours = 24, int ScrutinyTargetHours = SlaClock.DefaultScrutinyTargetHours);

/// <summary>The outcome of deciding a command: the events to record, or why not. Never both.</summary>
public sealed record Decision
{
    public IReadOnlyList<CaseEventBody> Events { get; private init; } = [];
    public RefusalKind? Refusal { get; private init; }

    /// <summary>A short reason a person can act on; names states and steps, never case data.</summary>
    public string? Reason { get; private init; }

    public IReadOnlyList<ValidationError> Errors { get; private init; } = [];

    public bool Accepted => Refusal is null;

    public static Decision Accept(params CaseEventBody[] events) => new() { Events = events };

    public static Decision Refuse(RefusalKind kind, string reason) => new() { Refusal = kind, Reason = reason };

    public static Decision Invalid(IReadOnlyList<ValidationError> errors) =>
        new() { Refusal = RefusalKind.Invalid, Reason = "The request has invalid fields.", Errors = errors };
}

/// <summary>
/// The scrutiny workflow of DOMAIN §5 as a pure function: <see cref="Decide"/> turns a command on a
/// case into past-tense events (or a refusal), and <see cref="Evolve"/> folds an event into the
/// case. The API and the lapse sweeper both go through here, so a rule lives in one place.
/// Work is assigned, not grabbed for minutes: a case has an assigned examiner and, besides, an assigned
/// officer; each works it in their own role, and the assignment lasts until released or handed over.
/// </summary>
public static class CaseWorkflow
{
    public const int MaxFreeTextLength = 4000;
    public const int MaxCauseLength = 500;

    public const int MaxUserIdLength = 128;

    private static readonly string[] Workers = [Roles.MedicalExaminer, Roles.MedicalExaminerOfficer];
    private static readonly string[] ExaminerOnly = [Roles.MedicalExaminer];

    public static Decision Decide(CaseSnapshot c, CaseCommand command, Actor actor, DateTimeOffset now, WorkflowSettings settings) => command switch
    {
        ClaimCase => Take(c, actor, now, settings),
        ReleaseCase => Release(c, actor),
        HandOverCase x => HandOver(c, x, actor),
        LapseClaim => Lapse(c, now, settings),
        ConfirmCoronerReferral x => Guard(c, actor, ExaminerOnly, [CaseStates.CoronerReferralReview], needsAssignment: true)
            ?? Validate(Text(x.Note, "note", required: false))
            ?? Decision.Accept(new CoronerReferralConfirmed(c.TriageReasonCodes, Clean(x.Note))),
        OverrideCoronerReferral x => Guard(c, actor, ExaminerOnly, [CaseStates.CoronerReferralReview], needsAssignment: true)
            ?? Validate(Text(x.Reason, "reason", required: true))
            ?? Decision.Accept(new CoronerReferralOverridden(Clean(x.Reason)!, ScrutinyQueueFor(c))),
        RecordCoronerAccepted x => Guard(c, actor, Workers, [CaseStates.ReferredToCoroner], needsAssignment: false)
            ?? Validate(Text(x.Note, "note", required: false))
            ?? Decision.Accept(new CoronerAccepted(Clean(x.Note))),
        RecordCoronerDeclined x => Guard(c, actor, Workers, [CaseStates.ReferredToCoroner], needsAssignment: false)
            ?? Validate(Text(x.Decision, "decision", required: true))
            ?? Decision.Accept(new CoronerDeclined(Clean(x.Decision)!, Queues.ReturnedFromCoroner)),
        RecordRecordsReview x => Guard(c, actor, Workers, [CaseStates.InScrutiny], needsAssignment: true)
            ?? Validate(Text(x.Summary, "summary", required: false))
            ?? Decision.Accept(new RecordsReviewed(Clean(x.Summary))),
        RecordApDiscussion x => Guard(c, actor, Workers, [CaseStates.InScrutiny], needsAssignment: true)
            ?? Validate(
                Text(x.Ia, "ia", required: true, MaxCauseLength),
                Text(x.Ib, "ib", required: false, MaxCauseLength),
                Text(x.Ic, "ic", required: false, MaxCauseLength),
                Text(x.Ii, "ii", required: false, MaxCauseLength),
                Text(x.Note, "note", required: false))
            ?? Decision.Accept(new AttendingPractitionerDiscussed(Clean(x.Ia)!, Clean(x.Ib), Clean(x.Ic), Clean(x.Ii), Clean(x.Note))),
        RecordBereavedDiscussion x => Guard(c, actor, Workers, [CaseStates.InScrutiny], needsAssignment: true)
            ?? Validate(
                Code(x.Outcome, "outcome", WorkflowCodes.BereavedOutcomes),
                x.ConcernsRaised is null ? new ValidationError(ValidationErrorCodes.Required, "concernsRaised") : null,
                Text(x.Summary, "summary", required: x.ConcernsRaised == true))
            ?? Decision.Accept(new BereavedDiscussed(x.Outcome!, x.ConcernsRaised!.Value, Clean(x.Summary))),
        RaiseConcern x => Guard(c, actor, Workers, [CaseStates.InScrutiny], needsAssignment: true)
            ?? Validate(
                Code(x.Kind, "kind", WorkflowCodes.ConcernKinds),
                Text(x.Summary, "summary", required: false),
                // CDOP reviews the deaths of children (under 18) only.
                x.Kind == "cdop" && c.AgeAtDeathYears is >= IntakePlanner.ChildDeathAgeLimit
                    ? new ValidationError("not-a-child-death", "kind") : null)
            ?? Decision.Accept(new ConcernRaised(x.Kind!, Clean(x.Summary))),
        DecideUrgentRelease x => Guard(c, actor, ExaminerOnly, [CaseStates.InScrutiny, CaseStates.CoronerReferralReview], needsAssignment: true)
            ?? (c.UrgentReleasePending ? null : Decision.Refuse(RefusalKind.IllegalTransition, "No urgent release is awaiting a decision on this case."))
            ?? Validate(Code(x.Decision, "decision", WorkflowCodes.UrgentReleaseDecisions), Text(x.Note, "note", required: false))
            ?? Decision.Accept(new UrgentReleaseDecided(x.Decision!, c.ReceivedAt, settings.UrgentReleaseTargetHours, Clean(x.Note))),
        IssueMccd => Guard(c, actor, ExaminerOnly, [CaseStates.InScrutiny], needsAssignment: true)
            ?? Outstanding(c)
            ?? Decision.Accept(new MccdIssued(c.AgreedCause!.Ia, c.AgreedCause.Ib, c.AgreedCause.Ic, c.AgreedCause.Ii, c.DateTimeOfDeath)),
        ReferToCoroner x => Guard(c, actor, ExaminerOnly, [CaseStates.InScrutiny], needsAssignment: true)
            ?? Validate(ReasonCodesError(x.ReasonCodes), Text(x.Note, "note", required: false))
            ?? Decision.Accept(new CoronerReferralConfirmed(x.ReasonCodes!.Distinct().ToList(), Clean(x.Note))),
        ReopenCase x => Guard(c, actor, ExaminerOnly, [CaseStates.ScrutinyComplete], needsAssignment: false)
            ?? Validate(Text(x.Reason, "reason", required: true))
            ?? Decision.Accept(new CaseReopened(Clean(x.Reason)!), new CaseAssigned(actor.Id, actor.Role, Queues.Scrutiny, null, null)),
        AssignOffice x => AssignToOffice(c, x, actor),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
    };

    /// <summary>Folds one event into the case. Every event of the contract is handled by name; an unknown one throws.</summary>
    public static CaseSnapshot Evolve(CaseSnapshot c, CaseEventBody e, EventActor actor, DateTimeOffset at) => e switch
    {
        CaseAssigned x => Assigned(c, x.AssigneeRole, x.AssigneeId, at),
        // Before assignment a claim was the claimant's, in their role.
        CaseClaimed x => Assigned(c, actor.Role == Roles.MedicalExaminerOfficer ? Roles.MedicalExaminerOfficer : Roles.MedicalExaminer, x.ClaimedBy, at),
        CaseReleased x => Released(x.AssigneeRole is { } role ? Unassigned(c, role) : Unassigned(c)),
        CoronerReferralConfirmed => Unassigned(c) with { State = CaseStates.ReferredToCoroner, Queue = Queues.AwaitingCoroner },
        CoronerReferralOverridden x => Unassigned(c) with { State = CaseStates.AwaitingScrutiny, Queue = x.Queue },
        CoronerAccepted => Unassigned(c) with { State = CaseStates.CoronerInvestigating, Queue = null, CompletedAt = at },
        CoronerDeclined x => Unassigned(c) with { State = CaseStates.AwaitingScrutiny, Queue = x.Queue, CoronerDecision = x.Decision },
        RecordsReviewed => Touched(c, actor, at) with { RecordsReviewedAt = at },
        AttendingPractitionerDiscussed x => Touched(c, actor, at) with { AgreedCause = new AgreedCause(x.Ia, x.Ib, x.Ic, x.Ii) },
        BereavedDiscussed x => Touched(c, actor, at) with { BereavedOutcome = x.Outcome, BereavedConcerns = x.ConcernsRaised },
        ConcernRaised x => Touched(c, actor, at) with
        {
            ClinicalGovernanceFlag = c.ClinicalGovernanceFlag || x.Kind == "clinical-governance",
            LederFlag = c.LederFlag || x.Kind == "leder",
            CdopFlag = c.CdopFlag || x.Kind == "cdop",
        },
        // Once decided, the case no longer jumps the queue.
        UrgentReleaseDecided x => Touched(c, actor, at) with
        {
            UrgentReleaseDecision = x.Decision,
            Queue = c.Queue == Queues.UrgentRelease ? Queues.Scrutiny : c.Queue,
        },
        MccdIssued => Unassigned(c) with { State = CaseStates.ScrutinyComplete, Queue = null, CompletedAt = at },
        CaseReopened => c with { State = CaseStates.AwaitingScrutiny, Queue = Queues.Scrutiny, CompletedAt = null },
        CaseRoutedToScrutiny x => c with { OfficeId = x.OfficeId, Queue = x.Queue },
        CaseRoutedToCoronerReferralReview x => c with { OfficeId = x.OfficeId, Queue = x.Queue },
        // Intake's facts: the case row is written from the notification and its triage directly, so folding
        // them changes nothing the workflow decides on.
        NotificationReceived or CaseTriaged => c,
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.EventType, "The workflow does not know this event; add it to Evolve."),
    };

    /// <summary>The scrutiny queue a case joins: urgent release first while a request is undecided.</summary>
    public static string ScrutinyQueueFor(CaseSnapshot c) => c.UrgentReleasePending ? Queues.UrgentRelease : Queues.Scrutiny;

    /// <summary>What still stands between an in-scrutiny case and its MCCD, in the order a person would do it.</summary>
    public static IReadOnlyList<string> OutstandingForMccd(CaseSnapshot c)
    {
        var missing = new List<string>();
        if (c.RecordsReviewedAt is null)
        {
            missing.Add("review of the records");
        }

        if (c.AgreedCause is null)
        {
            missing.Add("discussion with the attending practitioner (agreed cause of death)");
        }

        if (c.BereavedOutcome is null)
        {
            missing.Add("discussion with the bereaved");
        }

        if (c.UrgentReleasePending)
        {
            missing.Add("urgent release decision");
        }

        return missing;
    }

    private static Decision Take(CaseSnapshot c, Actor actor, DateTimeOffset now, WorkflowSettings settings)
    {
        if (actor.Role == Roles.MedicalExaminerOfficer && c.State == CaseStates.CoronerReferralReview)
        {
            return Decision.Refuse(RefusalKind.NotPermitted, "Coroner referral review needs the role medical-examiner.");
        }

        string[] assignable = actor.Role == Roles.MedicalExaminer
            ? [CaseStates.AwaitingScrutiny, CaseStates.InScrutiny, CaseStates.CoronerReferralReview]
            : [CaseStates.AwaitingScrutiny, CaseStates.InScrutiny];
        if (Guard(c, actor, Workers, assignable, needsAssignment: false) is { } refused)
        {
            return refused;
        }

        var queue = c.Queue ?? Queues.Scrutiny;
        var assigned = new CaseAssigned(actor.Id, actor.Role, queue, null, null);
        return c.AssigneeIn(actor.Role) switch
        {
            null => Decision.Accept(assigned),
            var holder when holder == actor.Id => Decision.Refuse(RefusalKind.ClaimConflict, "The case is already assigned to you."),
            var holder when IsIdle(c, actor.Role, now, settings) =>
                Decision.Accept(new CaseReleased(holder, "lapsed", queue, actor.Role), assigned),
            _ => Decision.Refuse(RefusalKind.ClaimConflict, "The case is assigned to a colleague in your role: ask them to hand it over."),
        };
    }

    private static Decision Release(CaseSnapshot c, Actor actor)
    {
        var queue = c.Queue ?? Queues.Scrutiny;
        if (actor.Role == Roles.Admin)
        {
            CaseEventBody[] released =
            [
                .. Workers.Where(role => c.AssigneeIn(role) is not null).Select(role => new CaseReleased(c.AssigneeIn(role)!, "released", queue, role)),
            ];
            return released.Length == 0
                ? Decision.Refuse(RefusalKind.IllegalTransition, "The case is not assigned.")
                : Decision.Accept(released);
        }

        if (!Workers.Contains(actor.Role))
        {
            return Decision.Refuse(RefusalKind.NotPermitted, "Only medical examiners, officers and admins release cases.");
        }

        return c.AssigneeIn(actor.Role) switch
        {
            null => Decision.Refuse(RefusalKind.IllegalTransition, "The case is not assigned to anyone in your role."),
            var holder when holder != actor.Id => Decision.Refuse(RefusalKind.ClaimConflict, "Only the person the case is assigned to (or an admin) can release it."),
            var holder => Decision.Accept(new CaseReleased(holder, "released", queue, actor.Role)),
        };
    }

    private static Decision HandOver(CaseSnapshot c, HandOverCase x, Actor actor)
    {
        if (!Workers.Contains(actor.Role) && actor.Role != Roles.Admin)
        {
            return Decision.Refuse(RefusalKind.NotPermitted, "Only medical examiners, officers and admins hand cases over.");
        }

        // A person hands over their own assignment; an admin names the role whose assignment changes.
        var role = actor.Role == Roles.Admin ? x.Role : x.Role ?? actor.Role;
        if (Validate(
                Text(x.ToUserId, "toUserId", required: true, MaxUserIdLength),
                Code(role, "role", Workers),
                actor.Role != Roles.Admin && role is not null && role != actor.Role ? new ValidationError("not-your-role", "role") : null,
                Text(x.Note, "note", required: true)) is { } invalid)
        {
            return invalid;
        }

        string[] states = role == Roles.MedicalExaminer
            ? [CaseStates.AwaitingScrutiny, CaseStates.InScrutiny, CaseStates.CoronerReferralReview]
            : [CaseStates.AwaitingScrutiny, CaseStates.InScrutiny];
        if (!states.Contains(c.State))
        {
            return Decision.Refuse(RefusalKind.IllegalTransition, $"A case that is {c.State} cannot be handed over in the role {role}.");
        }

        if (c.Queue == Queues.Unrouted)
        {
            return Decision.Refuse(RefusalKind.IllegalTransition, "An unrouted case must be assigned to an office first.");
        }

        var holder = c.AssigneeIn(role!);
        if (actor.Role != Roles.Admin && holder != actor.Id)
        {
            return Decision.Refuse(RefusalKind.ClaimConflict, "Only the person the case is assigned to (or an admin) can hand it over.");
        }

        var to = x.ToUserId!.Trim();
        if (to == holder)
        {
            return Decision.Invalid([new ValidationError("already-assigned", "toUserId")]);
        }

        return Decision.Accept(new CaseAssigned(to, role!, c.Queue ?? Queues.Scrutiny, actor.Id, Clean(x.Note)));
    }

    private static Decision Lapse(CaseSnapshot c, DateTimeOffset now, WorkflowSettings settings)
    {
        CaseEventBody[] lapsed =
        [
            .. Workers.Where(role => c.AssigneeIn(role) is not null && IsIdle(c, role, now, settings))
                .Select(role => new CaseReleased(c.AssigneeIn(role)!, "lapsed", c.Queue ?? Queues.Scrutiny, role)),
        ];
        return lapsed.Length > 0
            ? Decision.Accept(lapsed)
            : Decision.Refuse(RefusalKind.IllegalTransition, "No assignment of this case has lapsed.");
    }

    /// <summary>Whether the assignment in <paramref name="role"/> has gone unworked past the office's idle time (never, when it sets none).</summary>
    private static bool IsIdle(CaseSnapshot c, string role, DateTimeOffset now, WorkflowSettings settings)
    {
        var activeAt = role == Roles.MedicalExaminer ? c.ExaminerActiveAt : c.OfficerActiveAt;
        return settings.AssignmentIdleTime is { } idle && activeAt is { } at && at + idle <= now;
    }

    private static Decision AssignToOffice(CaseSnapshot c, AssignOffice x, Actor actor)
    {
        if (actor.Role != Roles.Admin)
        {
            return Decision.Refuse(RefusalKind.NotPermitted, "Only an admin routes unrouted cases.");
        }

        if (c.Queue != Queues.Unrouted)
        {
            return Decision.Refuse(RefusalKind.IllegalTransition, "Only a case in the unrouted queue can be assigned to an office.");
        }

        if (string.IsNullOrWhiteSpace(x.OfficeId))
        {
            return Decision.Invalid([new ValidationError(ValidationErrorCodes.Required, "officeId")]);
        }

        return c.State == CaseStates.CoronerReferralReview
            ? Decision.Accept(new CaseRoutedToCoronerReferralReview(x.OfficeId, Queues.CoronerReferralReview))
            : Decision.Accept(new CaseRoutedToScrutiny(x.OfficeId, ScrutinyQueueFor(c)));
    }

    /// <summary>Role, state and assignment checks shared by every step; null when the step may proceed.</summary>
    private static Decision? Guard(CaseSnapshot c, Actor actor, string[] roles, string[] states, bool needsAssignment)
    {
        if (!roles.Contains(actor.Role))
        {
            return Decision.Refuse(RefusalKind.NotPermitted, $"This step needs the role {string.Join(" or ", roles)}.");
        }

        if (needsAssignment && c.State == CaseStates.AwaitingScrutiny && states.Contains(CaseStates.InScrutiny))
        {
            // Taking the case is what moves it into scrutiny: the step is right, the order is not.
            return Decision.Refuse(RefusalKind.ClaimConflict, "Assign the case to yourself before working on it.");
        }

        if (!states.Contains(c.State))
        {
            return Decision.Refuse(RefusalKind.IllegalTransition, $"This step does not apply to a case that is {c.State}.");
        }

        if (c.Queue == Queues.Unrouted)
        {
            return Decision.Refuse(RefusalKind.IllegalTransition, "An unrouted case must be assigned to an office first.");
        }

        // Only the caller's own role counts: an officer assigned beside the examiner never blocks the examiner.
        if (needsAssignment && c.AssigneeIn(actor.Role) != actor.Id)
        {
            return Decision.Refuse(RefusalKind.ClaimConflict, c.AssigneeIn(actor.Role) is null
                ? "Assign the case to yourself before working on it."
                : "The case is assigned to a colleague in your role: ask them to hand it over.");
        }

        return null;
    }

    private static Decision? Outstanding(CaseSnapshot c)
    {
        var missing = OutstandingForMccd(c);
        return missing.Count == 0
            ? null
            : Decision.Refuse(RefusalKind.IllegalTransition, $"Before the MCCD can be issued, record the {string.Join(", the ", missing)}.");
    }

    private static Decision? Validate(params ValidationError?[] errors)
    {
        var found = errors.OfType<ValidationError>().ToList();
        return found.Count == 0 ? null : Decision.Invalid(found);
    }

    private static ValidationError? Text(string? value, string field, bool required, int max = MaxFreeTextLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? new ValidationError(ValidationErrorCodes.Required, field) : null;
        }

        return value.Trim().Length > max ? new ValidationError(ValidationErrorCodes.TooLong, field) : null;
    }

    private static ValidationError? Code(string? value, string field, IReadOnlyList<string> allowed) =>
        string.IsNullOrEmpty(value) ? new ValidationError(ValidationErrorCodes.Required, field)
        : allowed.Contains(value) ? null
        : new ValidationError(ValidationErrorCodes.UnknownCode, field);

    private static ValidationError? ReasonCodesError(IReadOnlyList<string>? codes) =>
        codes is null || codes.Count == 0 ? new ValidationError(ValidationErrorCodes.Required, "reasonCodes")
        : codes.All(ReasonCodes.All.Contains) ? null
        : new ValidationError(ValidationErrorCodes.UnknownCode, "reasonCodes");

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static CaseSnapshot Assigned(CaseSnapshot c, string role, string assignee, DateTimeOffset at) =>
        (role == Roles.MedicalExaminerOfficer
            ? c with { AssignedOfficer = assignee, OfficerActiveAt = at }
            : c with { AssignedExaminer = assignee, ExaminerActiveAt = at })
        with { State = c.State == CaseStates.AwaitingScrutiny ? CaseStates.InScrutiny : c.State };

    private static CaseSnapshot Unassigned(CaseSnapshot c, string role) => role == Roles.MedicalExaminerOfficer
        ? c with { AssignedOfficer = null, OfficerActiveAt = null }
        : c with { AssignedExaminer = null, ExaminerActiveAt = null };

    private static CaseSnapshot Unassigned(CaseSnapshot c) => Unassigned(Unassigned(c, Roles.MedicalExaminer), Roles.MedicalExaminerOfficer);

    // A case nobody is assigned to any more waits in its queue again.
    private static CaseSnapshot Released(CaseSnapshot c) =>
        !c.IsAssigned && c.State == CaseStates.InScrutiny ? c with { State = CaseStates.AwaitingScrutiny } : c;

    // Work by an assignee keeps their assignment fresh (what an office's idle lapse counts from).
    private static CaseSnapshot Touched(CaseSnapshot c, EventActor actor, DateTimeOffset at) =>
        actor.Role == Roles.MedicalExaminer && c.AssignedExaminer == actor.Id ? c with { ExaminerActiveAt = at }
        : actor.Role == Roles.MedicalExaminerOfficer && c.AssignedOfficer == actor.Id ? c with { OfficerActiveAt = at }
        : c;
}
