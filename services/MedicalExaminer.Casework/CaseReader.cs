using System.Text.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using Npgsql;

namespace MedicalExaminer.Casework;

/// <summary>One row of a queue, with its SLA clocks (<see cref="Registration"/> only once the registrar has the MCCD).</summary>
public sealed record QueueItem(
    Guid CaseId,
    string? OfficeId,
    string Queue,
    string State,
    string Route,
    DateTimeOffset DateTimeOfDeath,
    string PlaceOfDeath,
    string SiteOdsCode,
    string? DeceasedName,
    string? UrgentReleaseReason,
    IReadOnlyList<string> ReasonCodes,
    string? AssignedExaminer,
    string? AssignedOfficer,
    SlaState Scrutiny,
    SlaState? Registration,
    SlaState? UrgentRelease,
    int Version);

public sealed record QueuePage(string Queue, string? OfficeId, int Page, int PageSize, int Total, IReadOnlyList<QueueItem> Items);

/// <summary>A queue's size; <see cref="Unassigned"/> counts the cases neither an examiner nor an officer is assigned to.</summary>
public sealed record QueueCount(string Queue, int Cases, int Unassigned, int AtRisk, int Breached);

/// <summary>Which cases of a queue a page shows: all, the caller's own (assigned to them in any role), or nobody's.</summary>
public static class AssignmentFilters
{
    public const string Mine = "mine";
    public const string Unassigned = "unassigned";

    public static readonly IReadOnlyList<string> All = [Mine, Unassigned];
}

public sealed record TriageReasonView(string Code, string Source, string Evidence);

public sealed record TimelineEntry(int Sequence, string EventType, string ActorId, string ActorRole, DateTimeOffset OccurredAt, CaseEventBody Body);

/// <summary>Everything the case page shows: the notification as received, triage, progress and history.</summary>
public sealed record CaseDetail(
    CaseSnapshot Case,
    DeathNotification Notification,
    IReadOnlyList<TriageReasonView> Reasons,
    IReadOnlyList<TimelineEntry> Timeline,
    SlaState Scrutiny,
    SlaState? Registration,
    SlaState? UrgentRelease,
    IReadOnlyList<string> OutstandingForMccd);

/// <summary>Reads queues and cases. The caller has already checked the office scope.</summary>
public sealed class CaseReader(NpgsqlDataSource dataSource, TimeProvider clock)
{
    // Queue order (DOMAIN §4): urgent release first, by being its own queue listed and taken before the others;
    // then the scrutiny deadline, earliest first. The deadline is the death plus the office's target
    // (casework.scrutiny_due_at, SlaClock's definition), one target per office, so within the office the page is
    // filtered to it is the order of the deaths, which the cases_queue_order index gives without a sort.
    private const string QueueSql = """
        SELECT c.case_id AS CaseId, c.office_id AS OfficeId, c.queue AS Queue, c.state AS State, c.route AS Route,
               c.date_time_of_death AS DateTimeOfDeath, c.place_of_death AS PlaceOfDeath, c.site_ods_code AS SiteOdsCode,
               nullif(concat_ws(' ', c.notification -> 'deceased' ->> 'givenName', c.notification -> 'deceased' ->> 'familyName'), '') AS DeceasedName,
               c.urgent_release_reason AS UrgentReleaseReason, c.urgent_release_decision AS UrgentReleaseDecision,
               c.received_at AS ReceivedAt, coalesce(o.urgent_release_target_hours, 24) AS UrgentReleaseTargetHours,
               casework.scrutiny_due_at(c.date_time_of_death, coalesce(o.scrutiny_target_hours, 72)) AS ScrutinyDueAt,
               c.registrar_received_at AS RegistrarReceivedAt,
               ARRAY(SELECT r.code FROM casework.triage_reasons r WHERE r.case_id = c.case_id ORDER BY r.ordinal) AS ReasonCodes,
               c.assigned_examiner AS AssignedExaminer, c.assigned_officer AS AssignedOfficer, c.version AS Version,
               count(*) OVER () AS Total
        FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
        WHERE c.office_id IS NOT DISTINCT FROM @officeId AND c.queue = @queue
          AND (@assigned::text IS NULL
               OR (@assigned = 'mine' AND @userId IN (c.assigned_examiner, c.assigned_officer))
               OR (@assigned = 'unassigned' AND c.assigned_examiner IS NULL AND c.assigned_officer IS NULL))
        ORDER BY c.date_time_of_death, c.case_id
        LIMIT @limit OFFSET @offset
        """;

    // At risk and breached against the scrutiny target, by SlaClock's rule (casework.sla_status) at the caller's now.
    private const string CountsSql = """
        SELECT queue AS Queue, count(*)::int AS Cases,
               count(*) FILTER (WHERE assigned_examiner IS NULL AND assigned_officer IS NULL)::int AS Unassigned,
               count(*) FILTER (WHERE status = 'at-risk')::int AS AtRisk,
               count(*) FILTER (WHERE status = 'breached')::int AS Breached
        FROM (
            SELECT c.queue, c.assigned_examiner, c.assigned_officer,
                   casework.sla_status(casework.scrutiny_due_at(c.date_time_of_death, coalesce(o.scrutiny_target_hours, 72)), @now, @atRisk) AS status
            FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
            WHERE c.office_id IS NOT DISTINCT FROM @officeId AND c.queue IS NOT NULL
        ) q
        GROUP BY queue
        """;

    private const string DetailSql = $"""
        SELECT {CaseStore.SnapshotColumns}, c.notification::text AS Notification
        FROM casework.cases c LEFT JOIN casework.offices o ON o.office_id = c.office_id
        WHERE c.case_id = @caseId;

        SELECT code AS Code, source AS Source, evidence AS Evidence FROM casework.triage_reasons WHERE case_id = @caseId ORDER BY ordinal;

        SELECT sequence AS Sequence, event_type AS EventType, actor_id AS ActorId, actor_role AS ActorRole,
               occurred_at AS OccurredAt, payload::text AS Payload
        FROM casework.case_history WHERE case_id = @caseId ORDER BY sequence;
        """;

    /// <summary>Queues an office works, in the order a person should look at them.</summary>
    public static readonly IReadOnlyList<string> OfficeQueues =
        [Queues.UrgentRelease, Queues.CoronerReferralReview, Queues.ReturnedFromCoroner, Queues.Scrutiny, Queues.AwaitingCoroner];

    /// <param name="assigned">Null for every case of the queue, or one of <see cref="AssignmentFilters"/> (mine: <paramref name="userId"/>'s).</param>
    public async Task<QueuePage> QueueAsync(
        string? officeId, string queue, int page, int pageSize, CancellationToken cancellationToken, string? assigned = null, string? userId = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<QueueRow>(new CommandDefinition(
            QueueSql, new { officeId, queue, limit = pageSize, offset = (page - 1) * pageSize, assigned, userId }, cancellationToken: cancellationToken))).ToList();
        var now = clock.GetUtcNow();
        var items = rows.Select(r => r.ToItem(now)).ToList();
        return new QueuePage(queue, officeId, page, pageSize, rows.Count > 0 ? (int)rows[0].Total : 0, items);
    }

    public async Task<IReadOnlyList<QueueCount>> CountsAsync(string? officeId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var counts = (await connection.QueryAsync<QueueCount>(new CommandDefinition(CountsSql, new { officeId, now = clock.GetUtcNow(), atRisk = SlaClock.AtRiskWindow }, cancellationToken: cancellationToken)))
            .ToDictionary(c => c.Queue);
        IEnumerable<string> queues = officeId is null ? [Queues.Unrouted] : OfficeQueues;
        return queues.Select(q => counts.GetValueOrDefault(q) ?? new QueueCount(q, 0, 0, 0, 0)).ToList();
    }

    public async Task<CaseDetail?> CaseAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(DetailSql, new { caseId }, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<CaseStore.CaseRow>();
        if (row is null)
        {
            return null;
        }

        var reasons = (await results.ReadAsync<TriageReasonView>()).ToList();
        var timeline = (await results.ReadAsync<HistoryRow>()).Select(h => h.ToEntry()).ToList();
        var snapshot = row.ToSnapshot();
        var notification = JsonSerializer.Deserialize(row.Notification!, ContractsJsonContext.Default.DeathNotification)!;
        var now = clock.GetUtcNow();
        return new CaseDetail(
            snapshot,
            notification,
            reasons,
            timeline,
            SlaClock.Scrutiny(snapshot.DateTimeOfDeath, row.ScrutinyTargetHours, now),
            snapshot.RegistrarReceivedAt is { } received ? SlaClock.Registration(received, now) : null,
            snapshot.UrgentReleasePending ? SlaClock.UrgentRelease(snapshot.ReceivedAt, row.UrgentReleaseTargetHours, now) : null,
            snapshot.State == CaseStates.InScrutiny ? CaseWorkflow.OutstandingForMccd(snapshot) : []);
    }

    private sealed class QueueRow
    {
        public Guid CaseId { get; set; }
        public string? OfficeId { get; set; }
        public string Queue { get; set; } = "";
        public string State { get; set; } = "";
        public string Route { get; set; } = "";
        public DateTime DateTimeOfDeath { get; set; }
        public string PlaceOfDeath { get; set; } = "";
        public string SiteOdsCode { get; set; } = "";
        public string? DeceasedName { get; set; }
        public string? UrgentReleaseReason { get; set; }
        public string? UrgentReleaseDecision { get; set; }
        public DateTime ReceivedAt { get; set; }
        public int UrgentReleaseTargetHours { get; set; }
        public DateTime ScrutinyDueAt { get; set; }
        public DateTime? RegistrarReceivedAt { get; set; }
        public string[] ReasonCodes { get; set; } = [];
        public string? AssignedExaminer { get; set; }
        public string? AssignedOfficer { get; set; }
        public int Version { get; set; }
        public long Total { get; set; }

        public QueueItem ToItem(DateTimeOffset now)
        {
            var death = Utc(DateTimeOfDeath);
            var received = Utc(ReceivedAt);
            return new QueueItem(
                CaseId, OfficeId, Queue, State, Route, death, PlaceOfDeath, SiteOdsCode, DeceasedName, UrgentReleaseReason, ReasonCodes, AssignedExaminer, AssignedOfficer,
                SlaClock.Measure(Utc(ScrutinyDueAt), now),
                RegistrarReceivedAt is { } registrar ? SlaClock.Registration(Utc(registrar), now) : null,
                UrgentReleaseReason is not null && UrgentReleaseDecision is null ? SlaClock.UrgentRelease(received, UrgentReleaseTargetHours, now) : null,
                Version);
        }

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }

    private sealed class HistoryRow
    {
        public int Sequence { get; set; }
        public string EventType { get; set; } = "";
        public string ActorId { get; set; } = "";
        public string ActorRole { get; set; } = "";
        public DateTime OccurredAt { get; set; }
        public string Payload { get; set; } = "{}";

        public TimelineEntry ToEntry() => new(
            Sequence, EventType, ActorId, ActorRole, new DateTimeOffset(DateTime.SpecifyKind(OccurredAt, DateTimeKind.Utc)),
            JsonSerializer.Deserialize(Payload, ContractsJsonContext.Default.CaseEvent)!.Body);
    }
}
