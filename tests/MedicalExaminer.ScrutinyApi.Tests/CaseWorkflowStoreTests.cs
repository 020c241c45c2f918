using MedicalExaminer.Casework;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>Every transition of DOMAIN §5 through the store, against a real Postgres.</summary>
public sealed class CaseWorkflowStoreTests(PostgresFixture postgres)
{
    private static readonly Actor Me = CaseworkWorld.Examiner;
    private static readonly Actor Meo = CaseworkWorld.Officer;

    [Fact]
    public async Task scrutiny_case_goes_from_claim_to_mccd_with_one_event_per_step_in_history_outbox_and_audit()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);

        var claimed = await world.ApplyAsync(caseId, new ClaimCase(), Me);
        Assert.Equal(CaseStates.InScrutiny, claimed.State);
        await world.ApplyAsync(caseId, new RecordRecordsReview("notes reviewed"), Me);
        await world.ApplyAsync(caseId, new RecordApDiscussion("Bronchopneumonia", "Frailty", null, "Type 2 diabetes", null), Me);
        await world.ApplyAsync(caseId, new RecordBereavedDiscussion("held", false, null), Me);
        var complete = await world.ApplyAsync(caseId, new IssueMccd(), Me);

        Assert.Equal(CaseStates.ScrutinyComplete, complete.State);
        Assert.Null(complete.Queue);
        Assert.Null(complete.AssignedExaminer);
        string[] expected = ["CaseAssigned", "RecordsReviewed", "AttendingPractitionerDiscussed", "BereavedDiscussed", "MccdIssued"];
        Assert.Equal(expected, (await world.EventTypesAsync(caseId)).Skip(3));
        Assert.Equal(expected, (await world.EventTypesAsync(caseId, "outbox")).Skip(3));
        Assert.Equal(5, await world.ScalarAsync<int>(
            "SELECT count(*) FROM casework.audit_log WHERE case_id = @caseId AND outcome = 'applied' AND user_id = @id", new { caseId, id = Me.Id }));
        Assert.Equal(1 + 5, complete.Version);
        Assert.Equal(3 + 5, complete.LastEventSequence);
    }

    [Fact]
    public async Task the_mccd_payload_carries_the_agreed_cause_and_the_time_of_death()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        await world.ApplyAsync(caseId, new RecordRecordsReview(null), Me);
        await world.ApplyAsync(caseId, new RecordApDiscussion("  Ischaemic heart disease ", null, null, null, null), Me);
        await world.ApplyAsync(caseId, new RecordBereavedDiscussion("not-reachable", false, null), Me);
        await world.ApplyAsync(caseId, new IssueMccd(), Me);

        var detail = await world.Reader.CaseAsync(caseId, TestContext.Current.CancellationToken);

        var mccd = Assert.IsType<MccdIssued>(detail!.Timeline[^1].Body);
        Assert.Equal("Ischaemic heart disease", mccd.Ia);
        Assert.Equal(detail.Case.DateTimeOfDeath, mccd.DateTimeOfDeath);
    }

    [Fact]
    public async Task coroner_referral_confirmed_then_declined_returns_to_scrutiny_and_a_scrutiny_referral_can_be_accepted()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.CoronerReferralReview);

        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        var referred = await world.ApplyAsync(caseId, new ConfirmCoronerReferral("fall two weeks before death"), Me);
        Assert.Equal((CaseStates.ReferredToCoroner, Queues.AwaitingCoroner), (referred.State, referred.Queue));
        Assert.Null(referred.AssignedExaminer);

        var returned = await world.ApplyAsync(caseId, new RecordCoronerDeclined("natural causes; no investigation"), Meo);
        Assert.Equal((CaseStates.AwaitingScrutiny, Queues.ReturnedFromCoroner), (returned.State, returned.Queue));
        Assert.Equal("natural causes; no investigation", returned.CoronerDecision);

        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        await world.ApplyAsync(caseId, new ReferToCoroner([ReasonCodes.Neglect], "pressure sores noted in records"), Me);
        var accepted = await world.ApplyAsync(caseId, new RecordCoronerAccepted(null), Meo);

        Assert.Equal(CaseStates.CoronerInvestigating, accepted.State);
        Assert.Null(accepted.Queue);
        var confirmations = (await world.Reader.CaseAsync(caseId, TestContext.Current.CancellationToken))!.Timeline
            .Select(t => t.Body).OfType<CoronerReferralConfirmed>().ToList();
        Assert.Equal(2, confirmations.Count);
        Assert.Equal([ReasonCodes.Neglect], confirmations[1].ReasonCodes);
        Assert.NotEmpty(confirmations[0].ReasonCodes);
    }

    [Fact]
    public async Task overriding_a_referral_recommendation_sends_the_case_to_scrutiny_with_the_reason()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.CoronerReferralReview, urgent: false);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);

        var overridden = await world.ApplyAsync(caseId, new OverrideCoronerReferral("the fall was trivial and unrelated"), Me);

        Assert.Equal((CaseStates.AwaitingScrutiny, Queues.Scrutiny), (overridden.State, overridden.Queue));
        var body = Assert.IsType<CoronerReferralOverridden>((await world.Reader.CaseAsync(caseId, TestContext.Current.CancellationToken))!.Timeline[^1].Body);
        Assert.Equal("the fall was trivial and unrelated", body.Reason);
    }

    [Fact]
    public async Task urgent_release_is_decided_by_an_examiner_and_the_case_leaves_the_urgent_queue()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.UrgentRelease);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);

        var beforeDecision = await world.RunAsync(caseId, new IssueMccd(), Me);
        Assert.Contains("urgent release decision", beforeDecision.Decision!.Reason, StringComparison.Ordinal);
        var decided = await world.ApplyAsync(caseId, new DecideUrgentRelease("approved", null), Me);

        Assert.Equal(("approved", Queues.Scrutiny), (decided.UrgentReleaseDecision, decided.Queue));
        var again = await world.RunAsync(caseId, new DecideUrgentRelease("declined", null), Me);
        Assert.Equal(RefusalKind.IllegalTransition, again.Decision!.Refusal);
    }

    [Fact]
    public async Task a_completed_case_is_reopened_with_a_reason_and_held_by_the_examiner_who_reopened_it()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await CompletedCaseAsync(world);

        var reopened = await world.ApplyAsync(caseId, new ReopenCase("the family raised a new concern"), Me);

        Assert.Equal((CaseStates.InScrutiny, Queues.Scrutiny, Me.Id), (reopened.State, reopened.Queue, reopened.AssignedExaminer));
        Assert.Null(reopened.CompletedAt);
        Assert.Equal(["MccdIssued", "CaseReopened", "CaseAssigned"], (await world.EventTypesAsync(caseId)).TakeLast(3));
    }

    [Fact]
    public async Task concerns_set_their_flags_and_cdop_is_refused_for_an_adult()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var adult = await world.ScalarAsync<Guid>(
            """
            SELECT case_id FROM casework.cases WHERE office_id = 'me-leeds' AND queue = 'scrutiny'
              AND (notification -> 'deceased' ->> 'dateOfBirth')::date < (date_time_of_death - interval '30 years')::date LIMIT 1
            """);
        await world.ApplyAsync(adult, new ClaimCase(), Meo);

        var flagged = await world.ApplyAsync(adult, new RaiseConcern("clinical-governance", "refer for structured judgement review"), Meo);
        var cdop = await world.RunAsync(adult, new RaiseConcern("cdop", null), Meo);

        Assert.True(flagged.ClinicalGovernanceFlag, "a clinical-governance concern sets the flag");
        Assert.Equal(CommandStatus.Refused, cdop.Status);
        Assert.Equal(new ValidationError("not-a-child-death", "kind"), Assert.Single(cdop.Decision!.Errors));
    }

    public static TheoryData<string, string> IllegalSteps => new()
    {
        // queue the case is in, command that does not apply there
        { Queues.Scrutiny, "confirm-coroner-referral" },
        { Queues.Scrutiny, "record-coroner-declined" },
        { Queues.Scrutiny, "reopen" },
        { Queues.CoronerReferralReview, "record-ap-discussion" },
        { Queues.CoronerReferralReview, "issue-mccd" },
        { Queues.CoronerReferralReview, "record-coroner-accepted" },
    };

    [Theory]
    [MemberData(nameof(IllegalSteps))]
    public async Task a_step_that_does_not_apply_in_the_cases_state_is_refused_and_changes_nothing(string queue, string command)
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(queue);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        var before = await world.ScalarAsync<int>("SELECT version FROM casework.cases WHERE case_id = @caseId", new { caseId });
        CaseCommand step = command switch
        {
            "confirm-coroner-referral" => new ConfirmCoronerReferral(null),
            "record-coroner-declined" => new RecordCoronerDeclined("declined"),
            "record-coroner-accepted" => new RecordCoronerAccepted(null),
            "reopen" => new ReopenCase("why"),
            "record-ap-discussion" => new RecordApDiscussion("Pneumonia", null, null, null, null),
            _ => new IssueMccd(),
        };

        var outcome = await world.RunAsync(caseId, step, Me);

        Assert.Equal(CommandStatus.Refused, outcome.Status);
        Assert.Equal(RefusalKind.IllegalTransition, outcome.Decision!.Refusal);
        Assert.Equal(before, await world.ScalarAsync<int>("SELECT version FROM casework.cases WHERE case_id = @caseId", new { caseId }));
        Assert.Equal(1, await world.ScalarAsync<int>(
            "SELECT count(*) FROM casework.audit_log WHERE case_id = @caseId AND outcome = 'refused' AND action = @command", new { caseId, command }));
    }

    [Fact]
    public async Task the_mccd_is_refused_until_records_ap_and_bereaved_are_recorded()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny, urgent: false);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);

        var refused = await world.RunAsync(caseId, new IssueMccd(), Me);

        Assert.Equal(RefusalKind.IllegalTransition, refused.Decision!.Refusal);
        Assert.Equal(
            "Before the MCCD can be issued, record the review of the records, the discussion with the attending practitioner (agreed cause of death), the discussion with the bereaved.",
            refused.Decision.Reason);
    }

    [Fact]
    public async Task work_without_the_assignment_or_by_the_wrong_role_is_refused()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);

        var unclaimed = await world.RunAsync(caseId, new RecordRecordsReview(null), Me);
        await world.ApplyAsync(caseId, new ClaimCase(), Meo);
        await world.ApplyAsync(caseId, new ClaimCase(), CaseworkWorld.OtherExaminer);
        // Another examiner holds the examiner's assignment: this one may neither work the case nor take it.
        var heldByOther = await world.RunAsync(caseId, new RecordRecordsReview(null), Me);
        var secondClaim = await world.RunAsync(caseId, new ClaimCase(), Me);
        var officerOutcome = await world.RunAsync(caseId, new IssueMccd(), Meo);

        Assert.Equal(RefusalKind.ClaimConflict, unclaimed.Decision!.Refusal);
        Assert.Equal(RefusalKind.ClaimConflict, heldByOther.Decision!.Refusal);
        Assert.Equal(RefusalKind.ClaimConflict, secondClaim.Decision!.Refusal);
        Assert.Equal(RefusalKind.NotPermitted, officerOutcome.Decision!.Refusal);
    }

    [Fact]
    public async Task bad_input_is_refused_with_field_codes_and_nothing_is_written()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);

        var noCause = await world.RunAsync(caseId, new RecordApDiscussion(" ", new string('x', 501), null, null, null), Me);
        var badOutcome = await world.RunAsync(caseId, new RecordBereavedDiscussion("maybe", null, null), Me);
        var concernsWithoutSummary = await world.RunAsync(caseId, new RecordBereavedDiscussion("held", true, null), Me);

        Assert.Equal([new("required", "ia"), new ValidationError("too-long", "ib")], noCause.Decision!.Errors);
        Assert.Equal([new("unknown-code", "outcome"), new ValidationError("required", "concernsRaised")], badOutcome.Decision!.Errors);
        Assert.Equal([new ValidationError("required", "summary")], concernsWithoutSummary.Decision!.Errors);
        Assert.Equal(4, (await world.EventTypesAsync(caseId)).Count);
    }

    [Fact]
    public async Task a_stale_version_is_a_conflict_and_the_first_writer_wins()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        var claimed = await world.ApplyAsync(caseId, new ClaimCase(), Me);

        var first = await world.RunAsync(caseId, new RecordApDiscussion("Pneumonia", null, null, null, null), Me, claimed.Version);
        var second = await world.RunAsync(caseId, new RecordApDiscussion("Sepsis", null, null, null, null), Me, claimed.Version);

        Assert.Equal(CommandStatus.Applied, first.Status);
        Assert.Equal(CommandStatus.VersionConflict, second.Status);
        Assert.Equal("Pneumonia", (await world.Reader.CaseAsync(caseId, TestContext.Current.CancellationToken))!.Case.AgreedCause!.Ia);
    }

    [Fact]
    public async Task an_assignment_persists_for_days_when_the_office_sets_no_idle_lapse()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        world.Clock.Advance(TimeSpan.FromDays(3));

        Assert.Equal(0, await world.Store.LapseExpiredClaimsAsync(100, world.Options, TestContext.Current.CancellationToken));
        var takeOver = await world.RunAsync(caseId, new ClaimCase(), CaseworkWorld.OtherExaminer);

        Assert.Equal((CommandStatus.Refused, RefusalKind.ClaimConflict), (takeOver.Status, takeOver.Decision!.Refusal));
        Assert.Equal(Me.Id, (await world.Reader.CaseAsync(caseId, TestContext.Current.CancellationToken))!.Case.AssignedExaminer);
    }

    [Fact]
    public async Task in_an_office_with_an_idle_lapse_an_unworked_assignment_lapses_into_a_released_event()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        await world.ScalarAsync<int>("UPDATE casework.offices SET assignment_idle_hours = 1 WHERE office_id = @office RETURNING 1", new { office = CaseworkWorld.Office });
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        world.Clock.Advance(TimeSpan.FromMinutes(40));
        await world.ApplyAsync(caseId, new RecordRecordsReview(null), Me); // work keeps the assignment fresh
        world.Clock.Advance(TimeSpan.FromMinutes(40));

        Assert.Equal(0, await world.Store.LapseExpiredClaimsAsync(100, world.Options, TestContext.Current.CancellationToken));
        world.Clock.Advance(TimeSpan.FromMinutes(21));
        var lapsed = await world.Store.LapseExpiredClaimsAsync(100, world.Options, TestContext.Current.CancellationToken);

        Assert.Equal(1, lapsed);
        var detail = (await world.Reader.CaseAsync(caseId, TestContext.Current.CancellationToken))!;
        Assert.Equal((CaseStates.AwaitingScrutiny, (string?)null), (detail.Case.State, detail.Case.AssignedExaminer));
        var released = Assert.IsType<CaseReleased>(detail.Timeline[^1].Body);
        Assert.Equal((Me.Id, "lapsed", Roles.MedicalExaminer), (released.ReleasedFrom, released.Reason, released.AssigneeRole));
        await world.ApplyAsync(caseId, new ClaimCase(), CaseworkWorld.OtherExaminer);
    }

    [Fact]
    public async Task in_an_office_with_an_idle_lapse_a_lapsed_assignment_can_be_taken_over_before_the_sweeper_runs()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        await world.ScalarAsync<int>("UPDATE casework.offices SET assignment_idle_hours = 1 WHERE office_id = @office RETURNING 1", new { office = CaseworkWorld.Office });
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        world.Clock.Advance(TimeSpan.FromMinutes(61));

        var taken = await world.ApplyAsync(caseId, new ClaimCase(), CaseworkWorld.OtherExaminer);

        Assert.Equal(CaseworkWorld.OtherExaminer.Id, taken.AssignedExaminer);
        Assert.Equal(["CaseAssigned", "CaseReleased", "CaseAssigned"], (await world.EventTypesAsync(caseId)).TakeLast(3));
    }

    [Fact]
    public async Task an_officer_assigned_beside_the_examiner_never_blocks_the_examiners_outcome()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny, urgent: false);
        await world.ApplyAsync(caseId, new ClaimCase(), Meo);
        await world.ApplyAsync(caseId, new RecordRecordsReview("prepared by the officer"), Meo);
        await world.ApplyAsync(caseId, new RecordBereavedDiscussion("held", false, null), Meo);

        // The officer holds the case; the examiner takes it in their own role and decides.
        var both = await world.ApplyAsync(caseId, new ClaimCase(), Me);
        Assert.Equal((Me.Id, Meo.Id), (both.AssignedExaminer, both.AssignedOfficer));
        await world.ApplyAsync(caseId, new RecordApDiscussion("Pneumonia", null, null, null, null), Me);
        var complete = await world.ApplyAsync(caseId, new IssueMccd(), Me);

        Assert.Equal(CaseStates.ScrutinyComplete, complete.State);
        var officerOutcome = await world.RunAsync(await world.CaseInAsync(Queues.Scrutiny, skip: 1), new IssueMccd(), Meo);
        Assert.Equal(RefusalKind.NotPermitted, officerOutcome.Decision!.Refusal);
    }

    [Fact]
    public async Task a_handover_to_a_named_colleague_carries_its_note_and_moves_the_work_to_them()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        var taken = await world.ApplyAsync(caseId, new ClaimCase(), Me);

        var noNote = await world.RunAsync(caseId, new HandOverCase(CaseworkWorld.OtherExaminer.Id, null, " "), Me, taken.Version);
        Assert.Equal(["note:required"], noNote.Decision!.Errors.Select(e => $"{e.Field}:{e.Code}"));
        var stale = await world.RunAsync(caseId, new HandOverCase(CaseworkWorld.OtherExaminer.Id, null, "over to you"), Me, taken.Version - 1);
        Assert.Equal(CommandStatus.VersionConflict, stale.Status);

        var handed = await world.RunAsync(caseId, new HandOverCase(CaseworkWorld.OtherExaminer.Id, null, "AP rings back at 14:00"), Me, taken.Version);

        Assert.Equal(CommandStatus.Applied, handed.Status);
        Assert.Equal(CaseworkWorld.OtherExaminer.Id, handed.Case!.AssignedExaminer);
        var detail = (await world.Reader.CaseAsync(caseId, TestContext.Current.CancellationToken))!;
        var assigned = Assert.IsType<CaseAssigned>(detail.Timeline[^1].Body);
        Assert.Equal((CaseworkWorld.OtherExaminer.Id, Roles.MedicalExaminer, Me.Id, "AP rings back at 14:00"),
            (assigned.AssigneeId, assigned.AssigneeRole, assigned.HandedOverBy, assigned.Note));
        Assert.Equal(RefusalKind.ClaimConflict, (await world.RunAsync(caseId, new RecordRecordsReview(null), Me, handed.Case.Version)).Decision!.Refusal);
        await world.ApplyAsync(caseId, new RecordRecordsReview(null), CaseworkWorld.OtherExaminer);
    }

    [Fact]
    public async Task releasing_ends_only_the_callers_own_assignment()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        await world.ApplyAsync(caseId, new ClaimCase(), Meo);

        var released = await world.ApplyAsync(caseId, new ReleaseCase(), Meo);

        Assert.Equal((Me.Id, (string?)null, CaseStates.InScrutiny), (released.AssignedExaminer, released.AssignedOfficer, released.State));
        var all = await world.ApplyAsync(caseId, new ReleaseCase(), Me);
        Assert.Equal((null, CaseStates.AwaitingScrutiny), (all.AssignedExaminer, all.State));
    }

    [Fact]
    public async Task an_examiner_of_another_office_cannot_find_the_case_and_the_attempt_is_audited()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);

        var outcome = await world.RunAsync(caseId, new ClaimCase(), CaseworkWorld.ExaminerElsewhere);

        Assert.Equal(CommandStatus.NotFound, outcome.Status);
        Assert.Equal(1, await world.ScalarAsync<int>(
            "SELECT count(*) FROM casework.audit_log WHERE case_id = @caseId AND user_id = 'me.me-bristol' AND outcome = 'not-found'", new { caseId }));
    }

    [Fact]
    public async Task an_admin_routes_an_unrouted_case_to_an_office_queue_and_an_unknown_office_is_a_field_error()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Unrouted, office: null);

        var unknown = await world.RunAsync(caseId, new AssignOffice("me-atlantis"), CaseworkWorld.Admin);
        var byExaminer = await world.RunAsync(caseId, new AssignOffice("me-leeds"), Me);
        var routed = await world.ApplyAsync(caseId, new AssignOffice("me-leeds"), CaseworkWorld.Admin);

        Assert.Equal(new ValidationError("unknown-office", "officeId"), Assert.Single(unknown.Decision!.Errors));
        Assert.Equal(CommandStatus.NotFound, byExaminer.Status);
        Assert.Equal("me-leeds", routed.OfficeId);
        Assert.Contains(routed.Queue, new[] { Queues.Scrutiny, Queues.UrgentRelease, Queues.CoronerReferralReview });
    }

    [Fact]
    public async Task the_audit_log_refuses_update_and_delete_even_from_its_owner_and_the_app_role_has_no_grant()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        await using var connection = await world.DataSource.OpenConnectionAsync();

        var update = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE casework.audit_log SET outcome = 'x'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("DELETE FROM casework.audit_log"));
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SET LOCAL ROLE me_scrutiny_api", transaction: transaction);
        await connection.ExecuteAsync(
            "INSERT INTO casework.audit_log (user_id, role, action, outcome) VALUES ('u', 'admin', 'probe', 'applied')", transaction: transaction);
        var asApp = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("DELETE FROM casework.audit_log", transaction: transaction));

        Assert.Contains("append-only", update.MessageText, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.MessageText, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, asApp.SqlState);
        Assert.Contains("permission denied", asApp.MessageText, StringComparison.Ordinal);
    }

    private static async Task<Guid> CompletedCaseAsync(CaseworkWorld world)
    {
        var caseId = await world.CaseInAsync(Queues.Scrutiny, urgent: false);
        await world.ApplyAsync(caseId, new ClaimCase(), Me);
        await world.ApplyAsync(caseId, new RecordRecordsReview(null), Me);
        await world.ApplyAsync(caseId, new RecordApDiscussion("Bronchopneumonia", null, null, null, null), Me);
        await world.ApplyAsync(caseId, new RecordBereavedDiscussion("declined", false, null), Me);
        await world.ApplyAsync(caseId, new IssueMccd(), Me);
        return caseId;
    }
}
