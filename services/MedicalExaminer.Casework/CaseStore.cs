using System.Data;
using System.Text.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using Npgsql;

namespace MedicalExaminer.Casework;

/// <summary>How a command on a case ended.</summary>
public enum CommandStatus
{
    Applied,

    /// <summary>No such case, or not one the caller may see (the two are indistinguishable on purpose).</summary>
    NotFound,

    /// <summary>Someone changed the case since the caller read it (optimistic concurrency).</summary>
    VersionConflict,

    /// <summary>The workflow refused it: see <see cref="CommandOutcome.Decision"/>.</summary>
    Refused,

    /// <summary>Take next found no case nobody in the caller's role is assigned to.</summary>
    NothingToClaim,
}

public sealed record CommandOutcome(CommandStatus Status, CaseSnapshot? Case = null, Decision? Decision = null)
{
    public static readonly CommandOutcome NotFound = new(CommandStatus.NotFound);
}

/// <summary>
/// Loads, decides and writes cases. Every command is ONE transaction: lock the case row, check the
/// caller may see it and the version they read, let <see cref="CaseWorkflow"/> decide, then write the
/// new state, the events (history and outbox) and the audit row together, so nothing is half applied.
/// </summary>
public sealed class CaseStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    internal const string SnapshotColumns = """
        c.case_id AS CaseId, c.office_id AS OfficeId, c.state AS State, c.queue AS Queue, c.route AS Route,
        c.date_time_of_death AS DateTimeOfDeath, c.received_at AS ReceivedAt,
        extract(year FROM age(c.date_time_of_death, (c.notification -> 'deceased' ->> 'dateOfBirth')::date))::int AS AgeAtDeathYears,
        ARRAY(SELECT r.code FROM casework.triage_reasons r WHERE r.case_id = c.case_id ORDER BY r.ordinal) AS TriageReasonCodes,
        c.urgent_release_reason AS UrgentReleaseReason, c.urgent_release_decision AS UrgentReleaseDecision,
        c.assigned_examiner AS AssignedExaminer, c.examiner_active_at AS ExaminerActiveAt,
        c.assigned_officer AS AssignedOfficer, c.officer_active_at AS OfficerActiveAt,
        c.records_reviewed_at AS RecordsReviewedAt, c.agreed_cause::text AS AgreedCause,
        c.bereaved_outcome AS BereavedOutcome, c.bereaved_concerns AS BereavedConcerns,
        c.clinical_governance_flag AS ClinicalGovernanceFlag, c.leder_flag AS LederFlag, c.cdop_flag AS CdopFlag,
        c.coroner_decision AS CoronerDecision, c.completed_at AS CompletedAt,
        c.version AS Version, c.last_event_sequence AS LastEventSequence,
        coalesce(o.urgent_release_target_hours, 24) AS UrgentReleaseTargetHours, o.assignment_idle_hours AS AssignmentIdleHours,
        c.registrar_received_at AS RegistrarReceivedAt, coalesce(o.scrutiny_target_hours, 72) AS ScrutinyTargetHours
        """;

    private const string LockCaseSql = $"""
        SELECT {SnapshotColumns}
        FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
        WHERE c.case_id = @caseId
        FOR UPDATE OF c
        """;

    /// <summary>How many queues take next draws from at most: the examiner's order of urgency has four.</summary>
    public const int MaxTakeNextQueues = 4;

    // Take next, written out as it runs, once per role (the role's own assignment column and index): one probe per
    // queue in the caller's order of urgency (@queue1 first; a slot the caller does not use is NULL and matches
    // nothing). Each probe walks cases_examiner_unassigned / cases_officer_unassigned (office, queue, death, id) to
    // the oldest death nobody in the role holds and locks that row; SKIP LOCKED lets concurrent callers pass rows
    // another transaction holds instead of queueing behind them. The outer LIMIT 1 stops at the first probe that
    // yields a case, and Postgres evaluates CTEs lazily, so the later queues are neither scanned nor locked
    // (EXPLAIN ANALYZE shows them "never executed"). An officer assigned to a case leaves it free for an examiner.
    private const string TakeNextAsExaminerSql = $"""
        WITH first_queue AS MATERIALIZED (
            SELECT {SnapshotColumns}
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id = @officeId AND c.queue = @queue1 AND c.assigned_examiner IS NULL
            ORDER BY c.date_time_of_death, c.case_id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED
        ),
        second_queue AS MATERIALIZED (
            SELECT {SnapshotColumns}
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id = @officeId AND c.queue = @queue2 AND c.assigned_examiner IS NULL
            ORDER BY c.date_time_of_death, c.case_id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED
        ),
        third_queue AS MATERIALIZED (
            SELECT {SnapshotColumns}
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id = @officeId AND c.queue = @queue3 AND c.assigned_examiner IS NULL
            ORDER BY c.date_time_of_death, c.case_id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED
        ),
        fourth_queue AS MATERIALIZED (
            SELECT {SnapshotColumns}
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id = @officeId AND c.queue = @queue4 AND c.assigned_examiner IS NULL
            ORDER BY c.date_time_of_death, c.case_id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED
        )
        SELECT * FROM (
            SELECT * FROM first_queue
            UNION ALL SELECT * FROM second_queue
            UNION ALL SELECT * FROM third_queue
            UNION ALL SELECT * FROM fourth_queue
        ) next
        LIMIT 1
        """;

    private const string TakeNextAsOfficerSql = $"""
        WITH first_queue AS MATERIALIZED (
            SELECT {SnapshotColumns}
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id = @officeId AND c.queue = @queue1 AND c.assigned_officer IS NULL
            ORDER BY c.date_time_of_death, c.case_id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED
        ),
        second_queue AS MATERIALIZED (
            SELECT {SnapshotColumns}
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id = @officeId AND c.queue = @queue2 AND c.assigned_officer IS NULL
            ORDER BY c.date_time_of_death, c.case_id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED
        ),
        third_queue AS MATERIALIZED (
            SELECT {SnapshotColumns}
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id = @officeId AND c.queue = @queue3 AND c.assigned_officer IS NULL
            ORDER BY c.date_time_of_death, c.case_id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED
        ),
        fourth_queue AS MATERIALIZED (
            SELECT {SnapshotColumns}
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id = @officeId AND c.queue = @queue4 AND c.assigned_officer IS NULL
            ORDER BY c.date_time_of_death, c.case_id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED
        )
        SELECT * FROM (
            SELECT * FROM first_queue
            UNION ALL SELECT * FROM second_queue
            UNION ALL SELECT * FROM third_queue
            UNION ALL SELECT * FROM fourth_queue
        ) next
        LIMIT 1
        """;

    // Only offices that set an idle limit lapse assignments.
    private const string LapsedClaimsSql = $"""
        SELECT {SnapshotColumns}
        FROM casework.cases c JOIN casework.offices o ON o.office_id = c.office_id
        WHERE o.assignment_idle_hours IS NOT NULL
          AND (c.examiner_active_at <= @now - make_interval(hours => o.assignment_idle_hours)
               OR c.officer_active_at <= @now - make_interval(hours => o.assignment_idle_hours))
        LIMIT @limit
        FOR UPDATE OF c SKIP LOCKED
        """;

    private const string UpdateCaseSql = """
        UPDATE casework.cases SET
            office_id = @OfficeId, state = @State, queue = @Queue,
            assigned_examiner = @AssignedExaminer, examiner_active_at = @ExaminerActiveAt,
            assigned_officer = @AssignedOfficer, officer_active_at = @OfficerActiveAt,
            records_reviewed_at = @RecordsReviewedAt, agreed_cause = @AgreedCause::jsonb,
            bereaved_outcome = @BereavedOutcome, bereaved_concerns = @BereavedConcerns,
            clinical_governance_flag = @ClinicalGovernanceFlag, leder_flag = @LederFlag, cdop_flag = @CdopFlag,
            urgent_release_decision = @UrgentReleaseDecision, coroner_decision = @CoronerDecision,
            completed_at = @CompletedAt, updated_at = @UpdatedAt,
            version = @Version, last_event_sequence = @LastEventSequence
        WHERE case_id = @CaseId
        """;

    // The command's events, as arrays of one case's rows, stored through the context's one event log.
    private const string InsertEventsSql = $"""
        WITH new_events AS (
            SELECT @CaseId AS case_id, e.sequence, e.event_id, e.event_type, @actorId AS actor_id, @actorRole AS actor_role,
                   @occurredAt AS occurred_at, e.payload
            FROM unnest(@eventIds::uuid[], @sequences::int[], @types::text[], @payloads::jsonb[]) AS e(event_id, sequence, event_type, payload)
        ), {CaseEventLog.AppendNewEventsCtes}
        SELECT count(*) FROM new_events
        """;

    // The state, its events and the audit row travel to Postgres in one round trip (Npgsql sends the
    // statements as one batch); the caller's transaction makes them one change.
    private const string WriteChangeSql = $"""
        {UpdateCaseSql};
        {InsertEventsSql};
        {Audit.InsertAppliedChangeSql}
        """;

    private const string OfficeExistsSql = "SELECT EXISTS (SELECT 1 FROM casework.offices WHERE office_id = @officeId)";

    /// <summary>Runs a command on one case. <paramref name="expectedVersion"/> null skips the version check (claim, release).</summary>
    public async Task<CommandOutcome> ExecuteAsync(
        Guid caseId, CaseCommand command, Actor actor, int? expectedVersion, WorkflowOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CaseRow>(
            new CommandDefinition(LockCaseSql, new { caseId }, transaction, cancellationToken: cancellationToken));

        if (row is null || !CanSee(actor, row.OfficeId))
        {
            await Audit.WriteAsync(connection, transaction, actor, command.Name, caseId, "not-found", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return CommandOutcome.NotFound;
        }

        if (expectedVersion is { } expected && expected != row.Version)
        {
            await Audit.WriteAsync(connection, transaction, actor, command.Name, caseId, "version-conflict", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new CommandOutcome(CommandStatus.VersionConflict, row.ToSnapshot());
        }

        if (command is AssignOffice { OfficeId: { } officeId } && !await connection.ExecuteScalarAsync<bool>(
                new CommandDefinition(OfficeExistsSql, new { officeId }, transaction, cancellationToken: cancellationToken)))
        {
            await transaction.RollbackAsync(cancellationToken);
            return new CommandOutcome(CommandStatus.Refused, row.ToSnapshot(),
                Decision.Invalid([new ValidationError("unknown-office", "officeId")]));
        }

        var outcome = await DecideAndWriteAsync(connection, transaction, row, command, actor, options, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>
    /// Take next: assigns the caller (in their role) the most urgent case of the office nobody in that role holds —
    /// from the first queue in <paramref name="queues"/> that has one. Concurrent callers never get the same case.
    /// </summary>
    public async Task<CommandOutcome> ClaimNextAsync(
        Actor actor, string officeId, IReadOnlyList<string> queues, WorkflowOptions options, CancellationToken cancellationToken)
    {
        if (!CanSee(actor, officeId))
        {
            return CommandOutcome.NotFound;
        }

        if (queues.Count is 0 || queues.Count > MaxTakeNextQueues)
        {
            throw new ArgumentOutOfRangeException(nameof(queues), queues.Count, $"Take next draws from one to {MaxTakeNextQueues} queues.");
        }

        var parameters = new
        {
            officeId,
            queue1 = queues[0],
            queue2 = queues.ElementAtOrDefault(1),
            queue3 = queues.ElementAtOrDefault(2),
            queue4 = queues.ElementAtOrDefault(3),
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CaseRow>(
            new CommandDefinition(actor.Role == Roles.MedicalExaminerOfficer ? TakeNextAsOfficerSql : TakeNextAsExaminerSql, parameters, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new CommandOutcome(CommandStatus.NothingToClaim);
        }

        var outcome = await DecideAndWriteAsync(connection, transaction, row, new ClaimCase(), actor, options, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>Ends the assignments of up to <paramref name="limit"/> cases idle past their office's limit; returns how many cases.</summary>
    public async Task<int> LapseExpiredClaimsAsync(int limit, WorkflowOptions options, CancellationToken cancellationToken)
    {
        var sweeper = new Actor("claim-lapse-sweeper", Roles.System, null);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CaseRow>(new CommandDefinition(
            LapsedClaimsSql, new { now = clock.GetUtcNow().UtcDateTime, limit }, transaction, cancellationToken: cancellationToken))).ToList();
        var lapsed = 0;
        foreach (var row in rows)
        {
            var outcome = await DecideAndWriteAsync(connection, transaction, row, new LapseClaim(), sweeper, options, cancellationToken);
            lapsed += outcome.Status == CommandStatus.Applied ? 1 : 0;
        }

        await transaction.CommitAsync(cancellationToken);
        return lapsed;
    }

    internal static bool CanSee(Actor actor, string? officeId) => actor.Role switch
    {
        Roles.Admin or Roles.System => true,
        Roles.MedicalExaminer or Roles.MedicalExaminerOfficer => officeId is not null && officeId == actor.OfficeId,
        _ => false,
    };

    private async Task<CommandOutcome> DecideAndWriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CaseRow row, CaseCommand command, Actor actor,
        WorkflowOptions options, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var snapshot = row.ToSnapshot();
        var settings = new WorkflowSettings(
            row.AssignmentIdleHours is { } hours ? TimeSpan.FromHours(hours) : null, row.UrgentReleaseTargetHours, row.ScrutinyTargetHours);
        var decision = CaseWorkflow.Decide(snapshot, command, actor, now, settings);
        if (!decision.Accepted)
        {
            if (actor.Role != Roles.System)
            {
                await Audit.WriteAsync(connection, transaction, actor, command.Name, snapshot.CaseId, "refused", cancellationToken);
            }

            return new CommandOutcome(CommandStatus.Refused, snapshot, decision);
        }

        var eventActor = actor.ToEventActor();
        var events = new List<CaseEvent>(decision.Events.Count);
        var updated = snapshot;
        foreach (var body in decision.Events)
        {
            updated = CaseWorkflow.Evolve(updated, body, eventActor, now) with
            {
                LastEventSequence = updated.LastEventSequence + 1,
            };
            events.Add(new CaseEvent
            {
                EventId = Guid.CreateVersion7(now),
                CaseId = snapshot.CaseId,
                Sequence = updated.LastEventSequence,
                OccurredAt = now,
                Actor = eventActor,
                Body = body,
            });
        }

        updated = updated with { Version = snapshot.Version + 1 };
        var parameters = new DynamicParameters(CaseUpdate.From(updated, now));
        parameters.AddDynamicParams(new
        {
            eventIds = events.Select(e => e.EventId).ToArray(),
            sequences = events.Select(e => e.Sequence).ToArray(),
            types = events.Select(e => e.Body.EventType).ToArray(),
            payloads = events.Select(e => JsonSerializer.Serialize(e, ContractsJsonContext.Default.CaseEvent)).ToArray(),
            actorId = actor.Id,
            actorRole = actor.Role,
            actorOfficeId = actor.OfficeId,
            action = command.Name,
            occurredAt = now.UtcDateTime,
        });
        await connection.ExecuteAsync(new CommandDefinition(WriteChangeSql, parameters, transaction, cancellationToken: cancellationToken));
        return new CommandOutcome(CommandStatus.Applied, updated, decision);
    }

    /// <summary>The row as Postgres returns it (timestamps as UTC DateTime, the cause as JSON text).</summary>
    internal sealed class CaseRow
    {
        public Guid CaseId { get; set; }
        public string? OfficeId { get; set; }
        public string State { get; set; } = "";
        public string? Queue { get; set; }
        public string Route { get; set; } = "";
        public DateTime DateTimeOfDeath { get; set; }
        public DateTime ReceivedAt { get; set; }
        public int? AgeAtDeathYears { get; set; }
        public string[] TriageReasonCodes { get; set; } = [];
        public string? UrgentReleaseReason { get; set; }
        public string? UrgentReleaseDecision { get; set; }
        public string? AssignedExaminer { get; set; }
        public DateTime? ExaminerActiveAt { get; set; }
        public string? AssignedOfficer { get; set; }
        public DateTime? OfficerActiveAt { get; set; }
        public DateTime? RecordsReviewedAt { get; set; }
        public string? AgreedCause { get; set; }
        public string? BereavedOutcome { get; set; }
        public bool? BereavedConcerns { get; set; }
        public bool ClinicalGovernanceFlag { get; set; }
        public bool LederFlag { get; set; }
        public bool CdopFlag { get; set; }
        public string? CoronerDecision { get; set; }
        public DateTime? CompletedAt { get; set; }
        public int Version { get; set; }
        public int LastEventSequence { get; set; }
        public int UrgentReleaseTargetHours { get; set; }
        public int? AssignmentIdleHours { get; set; }
        public DateTime? RegistrarReceivedAt { get; set; }
        public int ScrutinyTargetHours { get; set; }

        /// <summary>The notification as accepted (JSON); read only for the case page.</summary>
        public string? Notification { get; set; }

        public CaseSnapshot ToSnapshot() => new()
        {
            CaseId = CaseId,
            OfficeId = OfficeId,
            State = State,
            Queue = Queue,
            Route = Route,
            DateTimeOfDeath = Utc(DateTimeOfDeath),
            ReceivedAt = Utc(ReceivedAt),
            AgeAtDeathYears = AgeAtDeathYears,
            TriageReasonCodes = TriageReasonCodes,
            UrgentReleaseReason = UrgentReleaseReason,
            UrgentReleaseDecision = UrgentReleaseDecision,
            AssignedExaminer = AssignedExaminer,
            ExaminerActiveAt = Utc(ExaminerActiveAt),
            AssignedOfficer = AssignedOfficer,
            OfficerActiveAt = Utc(OfficerActiveAt),
            RecordsReviewedAt = Utc(RecordsReviewedAt),
            AgreedCause = AgreedCause is null ? null : JsonSerializer.Deserialize(AgreedCause, CaseworkJsonContext.Default.AgreedCause),
            BereavedOutcome = BereavedOutcome,
            BereavedConcerns = BereavedConcerns,
            ClinicalGovernanceFlag = ClinicalGovernanceFlag,
            LederFlag = LederFlag,
            CdopFlag = CdopFlag,
            CoronerDecision = CoronerDecision,
            CompletedAt = Utc(CompletedAt),
            RegistrarReceivedAt = Utc(RegistrarReceivedAt),
            Version = Version,
            LastEventSequence = LastEventSequence,
        };

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

        private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
    }

    /// <summary>Parameters of <see cref="UpdateCaseSql"/>: Npgsql writes timestamptz from UTC DateTime.</summary>
    private sealed record CaseUpdate(
        Guid CaseId, string? OfficeId, string State, string? Queue,
        string? AssignedExaminer, DateTime? ExaminerActiveAt, string? AssignedOfficer, DateTime? OfficerActiveAt,
        DateTime? RecordsReviewedAt, string? AgreedCause, string? BereavedOutcome, bool? BereavedConcerns,
        bool ClinicalGovernanceFlag, bool LederFlag, bool CdopFlag, string? UrgentReleaseDecision, string? CoronerDecision,
        DateTime? CompletedAt, DateTime UpdatedAt, int Version, int LastEventSequence)
    {
        public static CaseUpdate From(CaseSnapshot c, DateTimeOffset now) => new(
            c.CaseId, c.OfficeId, c.State, c.Queue,
            c.AssignedExaminer, c.ExaminerActiveAt?.UtcDateTime, c.AssignedOfficer, c.OfficerActiveAt?.UtcDateTime,
            c.RecordsReviewedAt?.UtcDateTime,
            c.AgreedCause is null ? null : JsonSerializer.Serialize(c.AgreedCause, CaseworkJsonContext.Default.AgreedCause),
            c.BereavedOutcome, c.BereavedConcerns, c.ClinicalGovernanceFlag, c.LederFlag, c.CdopFlag,
            c.UrgentReleaseDecision, c.CoronerDecision, c.CompletedAt?.UtcDateTime, now.UtcDateTime, c.Version, c.LastEventSequence);
    }
}
