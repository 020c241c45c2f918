using Dapper;
using MedicalExaminer.Domain.Casework;
using Npgsql;

namespace MedicalExaminer.Casework;

/// <summary>
/// Appends to <c>casework.audit_log</c> (DOMAIN §8: who, role, office, when, what, which case).
/// Writes go in the transaction of the change they record; the table refuses updates and deletes.
/// </summary>
public static class Audit
{
    private const string InsertSql = """
        INSERT INTO casework.audit_log (user_id, role, office_id, action, case_id, outcome)
        VALUES (@userId, @role, @officeId, @action, @caseId, @outcome)
        """;

    /// <summary>The audit row of an applied change, for batching with the change itself (parameters: actor, action, case).</summary>
    public const string InsertAppliedChangeSql = """
        INSERT INTO casework.audit_log (user_id, role, office_id, action, case_id, outcome)
        VALUES (@actorId, @actorRole, @actorOfficeId, @action, @CaseId, 'applied')
        """;

    public static Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Actor actor, string action, Guid? caseId, string outcome,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            InsertSql,
            new { userId = actor.Id, role = actor.Role, officeId = actor.OfficeId, action, caseId, outcome },
            transaction,
            cancellationToken: cancellationToken));

    private const string InsertListedSql = """
        INSERT INTO casework.audit_log (user_id, role, office_id, action, case_id, outcome)
        SELECT @userId, @role, @officeId, @action, listed, @outcome
        FROM unnest(CASE WHEN cardinality(@caseIds) = 0 THEN ARRAY[NULL]::uuid[] ELSE @caseIds END) AS listed
        """;

    /// <summary>
    /// A list read (a page of a queue shows each case's deceased, place and times): one row per case it showed, so
    /// "who has seen this case" includes everyone who saw it in a list; an empty page still leaves one row.
    /// </summary>
    public static async Task WriteListedAsync(
        NpgsqlDataSource dataSource, Actor actor, string action, IReadOnlyCollection<Guid> caseIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertListedSql,
            new { userId = actor.Id, role = actor.Role, officeId = actor.OfficeId, action, caseIds = caseIds.ToArray(), outcome = "read" },
            cancellationToken: cancellationToken));
    }

    /// <summary>An audit row on its own connection, for reads.</summary>
    public static async Task WriteAsync(NpgsqlDataSource dataSource, Actor actor, string action, Guid? caseId, string outcome, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await WriteAsync(connection, null, actor, action, caseId, outcome, cancellationToken);
    }
}
