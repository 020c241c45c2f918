using MedicalExaminer.Casework;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Testing;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>The workflow over HTTP: status codes, RFC 7807 bodies, versions, and the OpenAPI document.</summary>
public sealed class ApiWorkflowTests(PostgresFixture postgres)
{
    private const string Office = CaseworkWorld.Office;

    [Fact]
    public async Task an_examiner_claims_the_next_case_and_completes_it_over_http()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        await using var host = await ApiHost.StartAsync(world);
        using var client = host.Client(ApiHost.Token(Roles.MedicalExaminer, Office, "me.me-leeds"));

        var claimed = await ReadAsync(await client.PostAsync($"/api/offices/{Office}/claim-next?queue=scrutiny", null));
        var caseId = claimed.GetProperty("caseId").GetGuid();
        var version = claimed.GetProperty("version").GetInt32();
        foreach (var (step, body) in new (string, object)[]
        {
            ("record-records-review", new { summary = "notes reviewed" }),
            ("record-ap-discussion", new { ia = "Bronchopneumonia", ib = "Frailty" }),
            ("record-bereaved-discussion", new { outcome = "held", concernsRaised = false }),
            ("issue-mccd", new { }),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{caseId}/{step}") { Content = JsonContent.Create(body) };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version}\""));
            version = (await ReadAsync(await client.SendAsync(request))).GetProperty("version").GetInt32();
        }

        using var read = await client.GetAsync($"/api/cases/{caseId}");
        var view = await ReadAsync(read);
        Assert.Equal("ScrutinyComplete", view.GetProperty("summary").GetProperty("state").GetString());
        Assert.Equal($"\"{version}\"", read.Headers.ETag!.Tag);
        Assert.Equal("MccdIssued", view.GetProperty("timeline").EnumerateArray().Last().GetProperty("eventType").GetString());
    }

    [Fact]
    public async Task bad_input_is_400_with_field_codes_and_no_values_echoed()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        await using var host = await ApiHost.StartAsync(world);
        using var client = host.Client(ApiHost.Token(Roles.MedicalExaminer, Office));
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        var version = (await ReadAsync(await client.PostAsJsonAsync($"/api/cases/{caseId}/claim", new { }))).GetProperty("version").GetInt32();

        using var response = await client.PostAsJsonAsync($"/api/cases/{caseId}/record-bereaved-discussion",
            new { expectedVersion = version, outcome = "SECRET-VALUE-42" });
        var problem = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var noVersion = await client.PostAsJsonAsync($"/api/cases/{caseId}/record-records-review", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = JsonDocument.Parse(problem).RootElement.GetProperty("errors");
        Assert.Equal("unknown-code", errors.GetProperty("outcome")[0].GetString());
        Assert.Equal("required", errors.GetProperty("concernsRaised")[0].GetString());
        Assert.DoesNotContain("SECRET-VALUE-42", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noVersion.StatusCode);
    }

    [Fact]
    public async Task an_illegal_step_is_409_problem_details_and_a_stale_version_is_409_version_conflict()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        await using var host = await ApiHost.StartAsync(world);
        using var client = host.Client(ApiHost.Token(Roles.MedicalExaminer, Office));
        var caseId = await world.CaseInAsync(Queues.Scrutiny, urgent: false);
        var version = (await ReadAsync(await client.PostAsJsonAsync($"/api/cases/{caseId}/claim", new { }))).GetProperty("version").GetInt32();

        using var illegal = await client.PostAsJsonAsync($"/api/cases/{caseId}/confirm-coroner-referral", new { expectedVersion = version });
        using var first = await client.PostAsJsonAsync($"/api/cases/{caseId}/record-records-review", new { expectedVersion = version });
        using var stale = await client.PostAsJsonAsync($"/api/cases/{caseId}/record-records-review", new { expectedVersion = version });
        using var unknown = await client.PostAsJsonAsync($"/api/cases/{caseId}/teleport", new { expectedVersion = version });

        Assert.Equal(HttpStatusCode.Conflict, illegal.StatusCode);
        var body = await ReadAsync(illegal, HttpStatusCode.Conflict);
        Assert.EndsWith("/illegal-transition", body.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal("InScrutiny", body.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var conflict = await ReadAsync(stale, HttpStatusCode.Conflict);
        Assert.EndsWith("/version-conflict", conflict.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(version + 1, conflict.GetProperty("currentVersion").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task a_queue_page_is_in_death_order_with_sla_clocks()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        await using var host = await ApiHost.StartAsync(world);
        using var client = host.Client(ApiHost.Token(Roles.MedicalExaminerOfficer, Office));

        var page = await ReadAsync(await client.GetAsync($"/api/offices/{Office}/queues/scrutiny?pageSize=20"));

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        var deaths = items.Select(i => i.GetProperty("dateTimeOfDeath").GetDateTimeOffset()).ToList();
        Assert.Equal(deaths.Order(), deaths);
        Assert.All(items, i => Assert.Contains(i.GetProperty("scrutiny").GetProperty("status").GetString(), new[] { "on-track", "at-risk", "breached" }));
        // Registration has no clock until the registrar has the MCCD (5 days from the registrar's receipt, not the death).
        Assert.All(items, i => Assert.False(i.TryGetProperty("registration", out _), "no registration clock before the MCCD is sent"));
        Assert.True(page.GetProperty("total").GetInt32() >= items.Count);
    }

    [Fact]
    public async Task the_openapi_document_describes_the_casework_endpoints()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 10);
        await using var host = await ApiHost.StartAsync(world);
        using var client = host.Client();

        var document = await ReadAsync(await client.GetAsync("/openapi/v1.json"));

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/offices/{officeId}/claim-next", paths);
        Assert.Contains("/api/cases/{caseId}/{command}", paths);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
