using System.Text;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;

namespace MedicalExaminer.Domain.Tests;

/// <summary>
/// The whole of <see cref="CaseWorkflow.Decide"/> as one table: every state × every command × every role, and what
/// comes of it — the events it records, or the kind of refusal. No database: the workflow is a pure function.
/// </summary>
public sealed class CaseWorkflowTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly WorkflowSettings Settings = new();

    private static readonly string[] States =
    [
        CaseStates.Received, CaseStates.CoronerReferralReview, CaseStates.AwaitingScrutiny, CaseStates.InScrutiny,
        CaseStates.ReferredToCoroner, CaseStates.CoronerInvestigating, CaseStates.ScrutinyComplete,
    ];

    private static readonly Actor[] Actors =
    [
        new("me-1", Roles.MedicalExaminer, "office-a"),
        new("meo-1", Roles.MedicalExaminerOfficer, "office-a"),
        new("admin-1", Roles.Admin, null),
        new("regulator-1", Roles.Regulator, null),
        new("sweeper", Roles.System, null),
    ];

    private static readonly CaseCommand[] Commands =
    [
        new ClaimCase(),
        new ReleaseCase(),
        new HandOverCase("colleague-1", null, "family call booked for 10:00"),
        new LapseClaim(),
        new ConfirmCoronerReferral("note"),
        new OverrideCoronerReferral("natural causes, discussed with the AP"),
        new RecordCoronerAccepted(null),
        new RecordCoronerDeclined("no inquest"),
        new RecordRecordsReview("notes read"),
        new RecordApDiscussion("pneumonia", null, null, null, null),
        new RecordBereavedDiscussion("held", false, null),
        new RaiseConcern("clinical-governance", "delay in treatment"),
        new DecideUrgentRelease("approved", null),
        new IssueMccd(),
        new ReferToCoroner(["trauma-or-injury"], null),
        new ReopenCase("new information from the family"),
        new AssignOffice("office-b"),
    ];

    // One line per command and state: the outcome for medical examiner | officer | admin | regulator | system.
    // An event list ("A+B") means accepted with those events; otherwise the refusal kind. The case is of office-a,
    // has its records, AP and bereaved discussions recorded and no urgent release pending; in the states a claim
    // can be held in (InScrutiny, CoronerReferralReview) it is assigned to the acting person in their role (an
    // examiner or officer; nobody for the other roles), elsewhere to nobody. The office sets no idle lapse.
    private const string Expected = """
        claim
          Received               illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  claim-conflict | not-permitted | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       CaseAssigned | CaseAssigned | not-permitted | not-permitted | not-permitted
          InScrutiny             claim-conflict | claim-conflict | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
        release
          Received               illegal-transition | illegal-transition | illegal-transition | not-permitted | not-permitted
          CoronerReferralReview  CaseReleased | CaseReleased | illegal-transition | not-permitted | not-permitted
          AwaitingScrutiny       illegal-transition | illegal-transition | illegal-transition | not-permitted | not-permitted
          InScrutiny             CaseReleased | CaseReleased | illegal-transition | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | illegal-transition | illegal-transition | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | illegal-transition | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | illegal-transition | not-permitted | not-permitted
        hand-over
          Received               illegal-transition | illegal-transition | invalid | not-permitted | not-permitted
          CoronerReferralReview  CaseAssigned | illegal-transition | invalid | not-permitted | not-permitted
          AwaitingScrutiny       claim-conflict | claim-conflict | invalid | not-permitted | not-permitted
          InScrutiny             CaseAssigned | CaseAssigned | invalid | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | illegal-transition | invalid | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | invalid | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | invalid | not-permitted | not-permitted
        lapse-claim
          Received               illegal-transition | illegal-transition | illegal-transition | illegal-transition | illegal-transition
          CoronerReferralReview  illegal-transition | illegal-transition | illegal-transition | illegal-transition | illegal-transition
          AwaitingScrutiny       illegal-transition | illegal-transition | illegal-transition | illegal-transition | illegal-transition
          InScrutiny             illegal-transition | illegal-transition | illegal-transition | illegal-transition | illegal-transition
          ReferredToCoroner      illegal-transition | illegal-transition | illegal-transition | illegal-transition | illegal-transition
          CoronerInvestigating   illegal-transition | illegal-transition | illegal-transition | illegal-transition | illegal-transition
          ScrutinyComplete       illegal-transition | illegal-transition | illegal-transition | illegal-transition | illegal-transition
        confirm-coroner-referral
          Received               illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  CoronerReferralConfirmed | not-permitted | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          InScrutiny             illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
        override-coroner-referral
          Received               illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  CoronerReferralOverridden | not-permitted | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          InScrutiny             illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
        record-coroner-accepted
          Received               illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          InScrutiny             illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      CoronerAccepted | CoronerAccepted | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
        record-coroner-declined
          Received               illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          InScrutiny             illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      CoronerDeclined | CoronerDeclined | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
        record-records-review
          Received               illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       claim-conflict | claim-conflict | not-permitted | not-permitted | not-permitted
          InScrutiny             RecordsReviewed | RecordsReviewed | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
        record-ap-discussion
          Received               illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       claim-conflict | claim-conflict | not-permitted | not-permitted | not-permitted
          InScrutiny             AttendingPractitionerDiscussed | AttendingPractitionerDiscussed | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
        record-bereaved-discussion
          Received               illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       claim-conflict | claim-conflict | not-permitted | not-permitted | not-permitted
          InScrutiny             BereavedDiscussed | BereavedDiscussed | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
        raise-concern
          Received               illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       claim-conflict | claim-conflict | not-permitted | not-permitted | not-permitted
          InScrutiny             ConcernRaised | ConcernRaised | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | illegal-transition | not-permitted | not-permitted | not-permitted
        decide-urgent-release
          Received               illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       claim-conflict | not-permitted | not-permitted | not-permitted | not-permitted
          InScrutiny             illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
        issue-mccd
          Received               illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       claim-conflict | not-permitted | not-permitted | not-permitted | not-permitted
          InScrutiny             MccdIssued | not-permitted | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
        refer-to-coroner
          Received               illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       claim-conflict | not-permitted | not-permitted | not-permitted | not-permitted
          InScrutiny             CoronerReferralConfirmed | not-permitted | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
        reopen
          Received               illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerReferralReview  illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          AwaitingScrutiny       illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          InScrutiny             illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ReferredToCoroner      illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          CoronerInvestigating   illegal-transition | not-permitted | not-permitted | not-permitted | not-permitted
          ScrutinyComplete       CaseReopened+CaseAssigned | not-permitted | not-permitted | not-permitted | not-permitted
        assign-office
          Received               not-permitted | not-permitted | illegal-transition | not-permitted | not-permitted
          CoronerReferralReview  not-permitted | not-permitted | illegal-transition | not-permitted | not-permitted
          AwaitingScrutiny       not-permitted | not-permitted | illegal-transition | not-permitted | not-permitted
          InScrutiny             not-permitted | not-permitted | illegal-transition | not-permitted | not-permitted
          ReferredToCoroner      not-permitted | not-permitted | illegal-transition | not-permitted | not-permitted
          CoronerInvestigating   not-permitted | not-permitted | illegal-transition | not-permitted | not-permitted
          ScrutinyComplete       not-permitted | not-permitted | illegal-transition | not-permitted | not-permitted
        """;

    [Fact]
    public void every_state_command_and_role_gives_the_tabled_events_or_refusal()
    {
        var actual = Table();
        Assert.Equal(Normalise(Expected), Normalise(actual));
    }

    [Fact]
    public void evolve_refuses_an_event_it_does_not_know()
    {
        var c = Case(CaseStates.InScrutiny, holder: null);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            CaseWorkflow.Evolve(c, new UnknownEvent(), new EventActor("me-1", Roles.MedicalExaminer, "office-a"), Now));
        Assert.Contains(nameof(UnknownEvent), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void evolve_handles_every_event_the_contract_defines()
    {
        var c = Case(CaseStates.InScrutiny, holder: new Actor("me-1", Roles.MedicalExaminer, "office-a"));
        var actor = new EventActor("me-1", Roles.MedicalExaminer, "office-a");
        var kinds = typeof(CaseEventBody).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(CaseEventBody)) && !t.IsAbstract).ToList();
        Assert.NotEmpty(kinds);
        foreach (var kind in kinds)
        {
            var body = (CaseEventBody)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(kind);
            var evolved = CaseWorkflow.Evolve(c, body, actor, Now);
            Assert.NotNull(evolved);
        }
    }

    private static string Table()
    {
        var table = new StringBuilder();
        foreach (var command in Commands)
        {
            table.Append(command.Name).Append('\n');
            foreach (var state in States)
            {
                var outcomes = Actors.Select(actor => Outcome(CaseWorkflow.Decide(
                    Case(state, holder: state is CaseStates.InScrutiny or CaseStates.CoronerReferralReview ? actor : null), command, actor, Now, Settings)));
                table.Append("  ").Append(state.PadRight(23)).Append(string.Join(" | ", outcomes)).Append('\n');
            }
        }

        return table.ToString();
    }

    private static string Outcome(Decision decision) => decision.Accepted
        ? string.Join("+", decision.Events.Select(e => e.EventType))
        : decision.Refusal switch
        {
            RefusalKind.Invalid => "invalid",
            RefusalKind.NotPermitted => "not-permitted",
            RefusalKind.IllegalTransition => "illegal-transition",
            RefusalKind.ClaimConflict => "claim-conflict",
            var other => throw new InvalidOperationException($"Unknown refusal {other}."),
        };

    private static string Normalise(string table) =>
        string.Join('\n', table.Split('\n').Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Where(l => l.Length > 0));

    private static CaseSnapshot Case(string state, Actor? holder) => new()
    {
        CaseId = Guid.Parse("00000000-0000-7000-8000-000000000001"),
        OfficeId = "office-a",
        State = state,
        Queue = state switch
        {
            CaseStates.CoronerReferralReview => Queues.CoronerReferralReview,
            CaseStates.AwaitingScrutiny or CaseStates.InScrutiny => Queues.Scrutiny,
            CaseStates.ReferredToCoroner => Queues.AwaitingCoroner,
            _ => null,
        },
        Route = state == CaseStates.CoronerReferralReview ? Routes.CoronerReferral : Routes.Scrutiny,
        DateTimeOfDeath = Now.AddHours(-20),
        ReceivedAt = Now.AddHours(-19),
        AgeAtDeathYears = 84,
        TriageReasonCodes = state == CaseStates.CoronerReferralReview ? ["trauma-or-injury"] : [],
        AssignedExaminer = holder?.Role == Roles.MedicalExaminer ? holder.Id : null,
        ExaminerActiveAt = holder?.Role == Roles.MedicalExaminer ? Now.AddMinutes(-5) : null,
        AssignedOfficer = holder?.Role == Roles.MedicalExaminerOfficer ? holder.Id : null,
        OfficerActiveAt = holder?.Role == Roles.MedicalExaminerOfficer ? Now.AddMinutes(-5) : null,
        RecordsReviewedAt = Now.AddHours(-2),
        AgreedCause = new AgreedCause("pneumonia", null, null, null),
        BereavedOutcome = "held",
        BereavedConcerns = false,
        Version = 3,
        LastEventSequence = 5,
    };

    private sealed record UnknownEvent : CaseEventBody;
}
