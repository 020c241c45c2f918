using System.Net.Http.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Casework;
using Npgsql;

namespace MedicalExaminer.Security.Tests;

/// <summary>
/// DOMAIN §8: every read and every change of a case, through the API or the pages, leaves an audit row (who, role,
/// office, what, which case), and the application's database role cannot change or remove one. The scrutiny API runs
/// logged in as a member of its own role (as in production), not as the schema owner.
/// </summary>
public sealed class AuditTests(PostgresFixture postgres)
{
    private const string Api = "scrutiny-api";
    private const string Own = WholeSystem.OwnOffice;

    /// <summary>Endpoints of the scrutiny API that neither read nor change a case.</summary>
    private static readonly string[] NoCaseData =
    [
        $"{Api} * /health/live", $"{Api} * /health/ready", $"{Api} GET /openapi/{{documentName}}.json", $"{Api} POST /sign-out",
        $"{Api} * /forbidden", $"{Api} * /sign-in", $"{Api} * /sign-in/refused",
        // Counts per queue: numbers only, no case.
        $"{Api} GET /api/offices/{{officeId}}/queues",
    ];

    private sealed record Visit(string Endpoint, string What, Caller Caller, Func<Cell, Task<(HttpResponseMessage Response, Guid? CaseId)>> Send);

    [Fact]
    public async Task every_case_read_and_change_through_the_api_and_the_pages_leaves_an_audit_row()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 300);
        var login = await ServiceLoginAsync(world);
        await using var api = await ApiHost.StartAsync(world, new Dictionary<string, string?> { ["Postgres:ConnectionString"] = login });
        var cases = new CaseSupply(world.DataSource);

        async Task<(HttpResponseMessage, Guid?)> OnCase(Cell cell, string queue, string? office, Func<CaseRef, Task<HttpResponseMessage>> send)
        {
            var target = await cell.CaseAsync(queue, office);
            return (await send(target), target.Id);
        }

        static async Task<(HttpResponseMessage, Guid?)> NoCase(Task<HttpResponseMessage> send) => (await send, null);

        Visit[] visits =
        [
            new($"{Api} GET /api/offices/{{officeId}}/queues/{{queue}}", "list a queue", Caller.ExaminerOwn, c => NoCase(c.GetAsync(Api, $"/api/offices/{Own}/queues/scrutiny?pageSize=3"))),
            new($"{Api} GET /api/unrouted", "list the unrouted queue", Caller.Admin, c => NoCase(c.GetAsync(Api, "/api/unrouted?pageSize=3"))),
            new($"{Api} POST /api/offices/{{officeId}}/claim-next", "claim next", Caller.ExaminerOwn, c => NoCase(c.PostAsync(Api, $"/api/offices/{Own}/claim-next?queue=scrutiny"))),
            new($"{Api} GET /api/cases/{{caseId:guid}}", "read a case", Caller.OfficerOwn, c => OnCase(c, Queues.Scrutiny, Own, t => c.GetAsync(Api, $"/api/cases/{t.Id}"))),
            new($"{Api} GET /api/cases/{{caseId:guid}}", "try to read another office's case", Caller.ExaminerOther, c => OnCase(c, Queues.Scrutiny, Own, t => c.GetAsync(Api, $"/api/cases/{t.Id}"))),
            new($"{Api} POST /api/cases/{{caseId:guid}}/{{command}}", "claim", Caller.ExaminerOwn, c => OnCase(c, Queues.Scrutiny, Own, t => c.PostJsonAsync(Api, $"/api/cases/{t.Id}/claim", new { }))),
            new($"{Api} POST /api/cases/{{caseId:guid}}/{{command}}", "a refused step", Caller.OfficerOwn, c => OnCase(c, Queues.Scrutiny, Own, t => c.PostJsonAsync(Api, $"/api/cases/{t.Id}/issue-mccd", new { expectedVersion = t.Version }))),
            new($"{Api} POST /api/cases/{{caseId:guid}}/{{command}}", "route an unrouted case", Caller.Admin, c => OnCase(c, Queues.Unrouted, null, t => c.PostJsonAsync(Api, $"/api/cases/{t.Id}/assign-office", new { expectedVersion = t.Version, officeId = Own }))),
            new($"{Api} * /", "claim next from the home page", Caller.OfficerOwn, c => NoCase(c.PostFormAsync(Api, "/", "/?handler=ClaimNext", new Dictionary<string, string>()))),
            new($"{Api} * /queues/{{queue}}", "queue page", Caller.OfficerOwn, c => NoCase(c.GetAsync(Api, "/queues/scrutiny"))),
            new($"{Api} * /cases/{{caseId:guid}}", "case page", Caller.ExaminerOwn, c => OnCase(c, Queues.Scrutiny, Own, t => c.GetAsync(Api, $"/cases/{t.Id}"))),
            new($"{Api} * /cases/{{caseId:guid}}", "claim from the case page", Caller.OfficerOwn, c => OnCase(c, Queues.Scrutiny, Own, t =>
                c.PostFormAsync(Api, $"/cases/{t.Id}", $"/cases/{t.Id}?handler=Step&step=claim", new Dictionary<string, string> { ["Input.Version"] = $"{t.Version}" }))),
            new($"{Api} * /admin/unrouted", "unrouted page", Caller.Admin, c => NoCase(c.GetAsync(Api, "/admin/unrouted"))),
            new($"{Api} * /admin/unrouted", "route from the unrouted page", Caller.Admin, c => OnCase(c, Queues.Unrouted, null, t =>
                c.PostFormAsync(Api, "/admin/unrouted", "/admin/unrouted", new Dictionary<string, string> { ["caseId"] = $"{t.Id}", ["version"] = $"{t.Version}", ["officeId"] = Own }))),
        ];

        // Every endpoint of the API that touches a case is visited (the matrix lists them all; a new one must be added here).
        var apiEndpoints = AuthorizationMatrix.Rows.Where(r => r.Service == Api).Select(r => r.Endpoint).ToHashSet(StringComparer.Ordinal);
        var unvisited = apiEndpoints.Except(NoCaseData).Except(visits.Select(v => v.Endpoint)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unvisited.Count == 0, "every case endpoint is visited: " + string.Join(", ", unvisited));

        var failures = new List<string>();
        foreach (var visit in visits)
        {
            using var cell = new Cell((_, token) => api.Client(token), visit.Caller, cases);
            var user = $"{visit.Caller.Name}-user";
            var before = await RowsAsync(world, user);
            var (response, caseId) = await visit.Send(cell);
            response.Dispose();

            var added = (await RowsAsync(world, user)).Skip(before.Count).ToList();
            if (added.Count == 0)
            {
                failures.Add($"{visit.What} ({visit.Endpoint}) as {visit.Caller.Name}: no audit row");
            }
            else if (caseId is { } id && !added.Any(r => r.CaseId == id))
            {
                failures.Add($"{visit.What} as {visit.Caller.Name}: audit rows {string.Join(", ", added.Select(r => r.Action))} do not name case {id}");
            }
            else if (added.Any(r => r.Role != visit.Caller.Role || r.OfficeId != visit.Caller.Office))
            {
                failures.Add($"{visit.What}: audit row with the wrong role or office");
            }
        }

        Assert.True(failures.Count == 0, "every case read and change is audited:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task a_page_of_a_queue_is_audited_against_every_case_it_showed()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 200);
        await using var api = await ApiHost.StartAsync(world);
        using var client = api.Client(ApiHost.Token(Roles.MedicalExaminer, Own, "me.lister"));

        var page = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/offices/{Own}/queues/scrutiny?pageSize=4", TestContext.Current.CancellationToken);

        var shown = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("caseId").GetGuid()).Order().ToList();
        var audited = (await RowsAsync(world, "me.lister")).Where(r => r.Action == "list-queue:scrutiny").Select(r => r.CaseId).OfType<Guid>().Order().ToList();
        Assert.Equal(4, shown.Count);
        Assert.Equal(shown, audited);
    }

    [Fact]
    public async Task the_application_role_can_append_to_the_audit_log_but_not_update_delete_or_truncate_it()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 10);
        await using var service = NpgsqlDataSource.Create(await ServiceLoginAsync(world));
        await using var connection = await service.OpenConnectionAsync(TestContext.Current.CancellationToken);

        Assert.Equal("me_scrutiny_api", await connection.ExecuteScalarAsync<string>(
            "SELECT string_agg(b.rolname, ',') FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user"));
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"));
        await connection.ExecuteAsync("INSERT INTO casework.audit_log (user_id, role, action, outcome) VALUES ('probe', 'admin', 'probe', 'applied')");

        foreach (var privilege in new[] { "UPDATE", "DELETE", "TRUNCATE" })
        {
            Assert.False(await connection.ExecuteScalarAsync<bool>($"SELECT has_table_privilege('casework.audit_log', '{privilege}')"), $"the application role has no {privilege} on the audit log");
        }

        // Refused by the grants (permission denied), not merely by the append-only trigger that stops even the owner.
        foreach (var sql in new[] { "UPDATE casework.audit_log SET outcome = 'changed' WHERE user_id = 'probe'", "DELETE FROM casework.audit_log WHERE user_id = 'probe'", "TRUNCATE casework.audit_log" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Contains("permission denied for table audit_log", refused.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM casework.audit_log WHERE user_id = 'probe' AND outcome = 'applied'"));
    }

    private sealed record AuditRow(long AuditId, string Action, Guid? CaseId, string Role, string? OfficeId, string Outcome);

    private static async Task<List<AuditRow>> RowsAsync(CaseworkWorld world, string user)
    {
        await using var connection = await world.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<AuditRow>(
            "SELECT audit_id AS AuditId, action AS Action, case_id AS CaseId, role AS Role, office_id AS OfficeId, outcome AS Outcome FROM casework.audit_log WHERE user_id = @user ORDER BY audit_id",
            new { user })];
    }

    /// <summary>A login that is a member of the API's role only, as production's (k8s/) is; its connection string.</summary>
    private static async Task<string> ServiceLoginAsync(CaseworkWorld world)
    {
        var login = $"scrutiny_{Guid.NewGuid():N}";
        await using var connection = await world.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"CREATE ROLE {login} LOGIN IN ROLE me_scrutiny_api");
        return new NpgsqlConnectionStringBuilder(world.ConnectionString) { Username = login }.ConnectionString;
    }
}
