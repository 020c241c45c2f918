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

    /// <summary>Somebody else holds the claim, or the caller must claim first (409).</summary>
    ClaimConflict,
}

/// <summary>Per-office settings the workflow applies.</summary>
public sealed record WorkflowSettings(TimeSpan ClaimIdleTime, int UrgentReleaseTargetHours = 24);

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
/// </summary>
public static class CaseWorkflow
{
    public const int MaxFreeTextLength = 4000;
    public const int MaxCauseLength = 500;

    private static readonly string[] Workers = [Roles.MedicalExaminer, Roles.MedicalExaminerOfficer];
    private static readonly string[] ExaminerOnly = [Roles.MedicalExaminer];

    public static Decision Decide(CaseSnapshot c, CaseCommand command, Actor actor, DateTimeOffset now, WorkflowSettings settings) => command switch
    {
        ClaimCase => Claim(c, actor, now),
        ReleaseCase => Release(c, actor, now),
        LapseClaim => Lapse(c, now),
        ConfirmCoronerReferral x => Guard(c, actor, now, ExaminerOnly, [CaseStates.CoronerReferralReview], needsClaim: true)
            ?? Validate(Text(x.Note, "note", required: false))
            ?? Decision.Accept(new CoronerReferralConfirmed(c.TriageReasonCodes, Clean(x.Note))),
        OverrideCoronerReferral x => Guard(c, actor, now, ExaminerOnly, [CaseStates.CoronerReferralReview], needsClaim: true)
            ?? Validate(Text(x.Reason, "reason", required: true))
            ?? Decision.Accept(new CoronerReferralOverridden(Clean(x.Reason)!, ScrutinyQueueFor(c))),
        RecordCoronerAccepted x => Guard(c, actor, now, Workers, [CaseStates.ReferredToCoroner], needsClaim: false)
            ?? Validate(Text(x.Note, "note", required: false))
            ?? Decision.Accept(new CoronerAccepted(Clean(x.Note))),
        RecordCoronerDeclined x => Guard(c, actor, now, Workers, [CaseStates.ReferredToCoroner], needsClaim: false)
            ?? Validate(Text(x.Decision, "decision", required: true))
            ?? Decision.Accept(new CoronerDeclined(Clean(x.Decision)!, Queues.ReturnedFromCoroner)),
        RecordRecordsReview x => Guard(c, actor, now, Workers, [CaseStates.InScrutiny], needsClaim: true)
            ?? Validate(Text(x.Summary, "summary", required: false))
            ?? Decision.Accept(new RecordsReviewed(Clean(x.Summary))),
        RecordApDiscussion x => Guard(c, actor, now, Workers, [CaseStates.InScrutiny], needsClaim: true)
            ?? Validate(
                Text(x.Ia, "ia", required: true, MaxCauseLength),
                Text(x.Ib, "ib", required: false, MaxCauseLength),
                Text(x.Ic, "ic", required: false, MaxCauseLength),
                Text(x.Ii, "ii", required: false, MaxCauseLength),
                Text(x.Note, "note", required: false))
            ?? Decision.Accept(new AttendingPractitionerDiscussed(Clean(x.Ia)!, Clean(x.Ib), Clean(x.Ic), Clean(x.Ii), Clean(x.Note))),
        RecordBereavedDiscussion x => Guard(c, actor, now, Workers, [CaseStates.InScrutiny], needsClaim: true)
            ?? Validate(
                Code(x.Outcome, "outcome", WorkflowCodes.BereavedOutcomes),
                x.ConcernsRaised is null ? new ValidationError(ValidationErrorCodes.Required, "concernsRaised") : null,
                Text(x.Summary, "summary", required: x.ConcernsRaised == true))
            ?? Decision.Accept(new BereavedDiscussed(x.Outcome!, x.ConcernsRaised!.Value, Clean(x.Summary))),
        RaiseConcern x => Guard(c, actor, now, Workers, [CaseStates.InScrutiny], needsClaim: true)
            ?? Validate(
                Code(x.Kind, "kind", WorkflowCodes.ConcernKinds),
                Text(x.Summary, "summary", required: false),
                // CDOP reviews the deaths of children (under 18) only.
                x.Kind == "cdop" && c.AgeAtDeathYears is >= IntakePlanner.ChildDeathAgeLimit
                    ? new ValidationError("not-a-child-death", "kind") : null)
            ?? Decision.Accept(new ConcernRaised(x.Kind!, Clean(x.Summary))),
        DecideUrgentRelease x => Guard(c, actor, now, ExaminerOnly, [CaseStates.InScrutiny, CaseStates.CoronerReferralReview], needsClaim: true)
            ?? (c.UrgentReleasePending ? null : Decision.Refuse(RefusalKind.IllegalTransition, "No urgent release is awaiting a decision on this case."))
            ?? Validate(Code(x.Decision, "decision", WorkflowCodes.UrgentReleaseDecisions), Text(x.Note, "note", required: false))
            ?? Decision.Accept(new UrgentReleaseDecided(x.Decision!, c.ReceivedAt, settings.UrgentReleaseTargetHours, Clean(x.Note))),
        IssueMccd => Guard(c, actor, now, ExaminerOnly, [CaseStates.InScrutiny], needsClaim: true)
            ?? Outstanding(c)
            ?? Decision.Accept(new MccdIssued(c.AgreedCause!.Ia, c.AgreedCause.Ib, c.AgreedCause.Ic, c.AgreedCause.Ii, c.DateTimeOfDeath)),
        ReferToCoroner x => Guard(c, actor, now, ExaminerOnly, [CaseStates.InScrutiny], needsClaim: true)
            ?? Validate(ReasonCodesError(x.ReasonCodes), Text(x.Note, "note", required: false))
            ?? Decision.Accept(new CoronerReferralConfirmed(x.ReasonCodes!.Distinct().ToList(), Clean(x.Note))),
        ReopenCase x => Guard(c, actor, now, ExaminerOnly, [CaseStates.ScrutinyComplete], needsClaim: false)
            ?? Validate(Text(x.Reason, "reason", required: true))
            ?? Decision.Accept(new CaseReopened(Clean(x.Reason)!), new CaseClaimed(actor.Id, Queues.Scrutiny)),
        AssignOffice x => AssignToOffice(c, x, actor),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
    };

    /// <summary>Folds one event into the case. Every event of the contract is handled by name; an unknown one throws.</summary>
    public static CaseSnapshot Evolve(CaseSnapshot c, CaseEventBody e, EventActor actor, DateTimeOffset at, TimeSpan claimIdleTime) => e switch
    {
        CaseClaimed x => c with
        {
            State = c.State == CaseStates.AwaitingScrutiny ? CaseStates.InScrutiny : c.State,
            ClaimedBy = x.ClaimedBy,
            ClaimedAt = at,
            ClaimExpiresAt = at + claimIdleTime,
        },
        CaseReleased => Unclaimed(c) with { State = c.State == CaseStates.InScrutiny ? CaseStates.AwaitingScrutiny : c.State },
        CoronerReferralConfirmed => Unclaimed(c) with { State = CaseStates.ReferredToCoroner, Queue = Queues.AwaitingCoroner },
        CoronerReferralOverridden x => Unclaimed(c) with { State = CaseStates.AwaitingScrutiny, Queue = x.Queue },
        CoronerAccepted => Unclaimed(c) with { State = CaseStates.CoronerInvestigating, Queue = null, CompletedAt = at },
        CoronerDeclined x => Unclaimed(c) with { State = CaseStates.AwaitingScrutiny, Queue = x.Queue, CoronerDecision = x.Decision },
        RecordsReviewed => Touched(c, actor, at, claimIdleTime) with { RecordsReviewedAt = at },
        AttendingPractitionerDiscussed x => Touched(c, actor, at, claimIdleTime) with { AgreedCause = new AgreedCause(x.Ia, x.Ib, x.Ic, x.Ii) },
        BereavedDiscussed x => Touched(c, actor, at, claimIdleTime) with { BereavedOutcome = x.Outcome, BereavedConcerns = x.ConcernsRaised },
        ConcernRaised x => Touched(c, actor, at, claimIdleTime) with
        {
            ClinicalGovernanceFlag = c.ClinicalGovernanceFlag || x.Kind == "clinical-governance",
            LederFlag = c.LederFlag || x.Kind == "leder",
            CdopFlag = c.CdopFlag || x.Kind == "cdop",
        },
        // Once decided, the case no longer jumps the queue.
        UrgentReleaseDecided x => Touched(c, actor, at, claimIdleTime) with
        {
            UrgentReleaseDecision = x.Decision,
            Queue = c.Queue == Queues.UrgentRelease ? Queues.Scrutiny : c.Queue,
        },
        MccdIssued => Unclaimed(c) with { State = CaseStates.ScrutinyComplete, Queue = null, CompletedAt = at },
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

    private static Decision Claim(CaseSnapshot c, Actor actor, DateTimeOffset now)
    {
        if (actor.Role == Roles.MedicalExaminerOfficer && c.State == CaseStates.CoronerReferralReview)
        {
            return Decision.Refuse(RefusalKind.NotPermitted, "Coroner referral review needs the role medical-examiner.");
        }

        string[] claimable = actor.Role == Roles.MedicalExaminer
            ? [CaseStates.AwaitingScrutiny, CaseStates.InScrutiny, CaseStates.CoronerReferralReview]
            : [CaseStates.AwaitingScrutiny, CaseStates.InScrutiny];
        if (Guard(c, actor, now, Workers, claimable, needsClaim: false) is { } refused)
        {
            return refused;
        }

        var holder = c.ActiveClaimant(now);
        if (holder == actor.Id)
        {
            return Decision.Refuse(RefusalKind.ClaimConflict, "You already hold this case.");
        }

        if (holder is not null)
        {
            return Decision.Refuse(RefusalKind.ClaimConflict, "Another person holds this case.");
        }

        var claimed = new CaseClaimed(actor.Id, c.Queue ?? Queues.Scrutiny);
        return c.ClaimedBy is { } lapsedHolder
            ? Decision.Accept(new CaseReleased(lapsedHolder, "lapsed", c.Queue ?? Queues.Scrutiny), claimed)
            : Decision.Accept(claimed);
    }

    private static Decision Release(CaseSnapshot c, Actor actor, DateTimeOffset now)
    {
        if (!Workers.Contains(actor.Role) && actor.Role != Roles.Admin)
        {
            return Decision.Refuse(RefusalKind.NotPermitted, "Only medical examiners, officers and admins release cases.");
        }

        if (c.ClaimedBy is null)
        {
            return Decision.Refuse(RefusalKind.IllegalTransition, "The case is not claimed.");
        }

        if (actor.Role != Roles.Admin && c.ActiveClaimant(now) != actor.Id)
        {
            return Decision.Refuse(RefusalKind.ClaimConflict, "Only the person holding the case (or an admin) can release it.");
        }

        return Decision.Accept(new CaseReleased(c.ClaimedBy, "released", c.Queue ?? Queues.Scrutiny));
    }

    private static Decision Lapse(CaseSnapshot c, DateTimeOffset now) =>
        c.ClaimedBy is not null && c.ActiveClaimant(now) is null
            ? Decision.Accept(new CaseReleased(c.ClaimedBy, "lapsed", c.Queue ?? Queues.Scrutiny))
            : Decision.Refuse(RefusalKind.IllegalTransition, "The claim has not lapsed.");

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

    /// <summary>Role, state and claim checks shared by every step; null when the step may proceed.</summary>
    private static Decision? Guard(CaseSnapshot c, Actor actor, DateTimeOffset now, string[] roles, string[] states, bool needsClaim)
    {
        if (!roles.Contains(actor.Role))
        {
            return Decision.Refuse(RefusalKind.NotPermitted, $"This step needs the role {string.Join(" or ", roles)}.");
        }

        if (needsClaim && c.State == CaseStates.AwaitingScrutiny && states.Contains(CaseStates.InScrutiny))
        {
            // Claiming is what moves a case into scrutiny: the step is right, the order is not.
            return Decision.Refuse(RefusalKind.ClaimConflict, "Claim the case before working on it.");
        }

        if (!states.Contains(c.State))
        {
            return Decision.Refuse(RefusalKind.IllegalTransition, $"This step does not apply to a case that is {c.State}.");
        }

        if (c.Queue == Queues.Unrouted)
        {
            return Decision.Refuse(RefusalKind.IllegalTransition, "An unrouted case must be assigned to an office first.");
        }

        if (needsClaim && c.ActiveClaimant(now) != actor.Id)
        {
            return Decision.Refuse(RefusalKind.ClaimConflict, c.ActiveClaimant(now) is null
                ? "Claim the case before working on it."
                : "Another person holds this case.");
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

    private static CaseSnapshot Unclaimed(CaseSnapshot c) => c with { ClaimedBy = null, ClaimedAt = null, ClaimExpiresAt = null };

    // Work by the holder keeps the claim alive: it lapses after the idle time, not after a fixed term.
    private static CaseSnapshot Touched(CaseSnapshot c, EventActor actor, DateTimeOffset at, TimeSpan claimIdleTime) =>
        c.ClaimedBy == actor.Id ? c with { ClaimExpiresAt = at + claimIdleTime } : c;
}
