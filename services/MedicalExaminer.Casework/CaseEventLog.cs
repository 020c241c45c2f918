namespace MedicalExaminer.Casework;

/// <summary>
/// Where a case event is stored, once for every writer of the context (intake and the workflow): the durable
/// history (the case page's timeline) and the outbox (relayed to <c>me.case-events.v1</c>, then pruned), in the
/// statement that makes the change, so the two never disagree.
/// </summary>
public static class CaseEventLog
{
    /// <summary>
    /// The CTEs that append every row of a CTE named <c>new_events</c> (case_id, sequence, event_id, event_type,
    /// actor_id, actor_role, occurred_at, payload) to the history and the outbox. A statement defines
    /// <c>new_events</c> from its own source (the intake's staging table, a command's arrays), then continues
    /// with these; the outbox rows go in case and sequence order, the order the relay publishes them.
    /// </summary>
    public const string AppendNewEventsCtes = """
        history AS (
            INSERT INTO casework.case_history (case_id, sequence, event_id, event_type, actor_id, actor_role, occurred_at, payload)
            SELECT case_id, sequence, event_id, event_type, actor_id, actor_role, occurred_at, payload
            FROM new_events
        ), outbox AS (
            INSERT INTO casework.outbox (event_id, case_id, sequence, event_type, payload, occurred_at)
            SELECT event_id, case_id, sequence, event_type, payload, occurred_at
            FROM new_events
            ORDER BY case_id, sequence
        )
        """;
}
