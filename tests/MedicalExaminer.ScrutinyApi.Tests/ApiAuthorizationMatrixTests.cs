using System.Net;
using System.Net.Http.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Testing;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>Every API endpoint × every role of DOMAIN §8 × own/other office, and bad tokens: the expected status of each.</summary>
public sealed class ApiAuthorizationMatrixTests(PostgresFixture postgres)
{
    private const string Own = CaseworkWorld.Office;
    private const string Other = "me-bristol";

    private static readonly (string Name, string Role, string? Office)[] Callers =
    [
        ("examiner-own", Roles.MedicalExaminer, Own),
        ("examiner-other", Roles.MedicalExaminer, Other),
        ("officer-own", Roles.MedicalExaminerOfficer, Own),
        ("officer-other", Roles.MedicalExaminerOfficer, Other),
        ("admin", Roles.Admin, null),
        ("regulator", Roles.Regulator, null),
        ("publisher", Roles.Publisher, null),
        ("anonymous", "", null),
    ];

    // Expected status per endpoint, in the order of Callers.
    private static readonly (string Endpoint, int[] Expected)[] Matrix =
    [
        ("GET queue counts", [200, 404, 200, 404, 200, 403, 403, 401]),
        ("GET queue", [200, 404, 200, 404, 200, 403, 403, 401]),
        ("GET unrouted", [403, 403, 403, 403, 200, 403, 403, 401]),
        ("POST claim-next", [200, 404, 200, 404, 403, 403, 403, 401]),
        ("GET case", [200, 404, 200, 404, 200, 403, 403, 401]),
        ("POST claim", [200, 404, 200, 404, 403, 403, 403, 401]),
        // Unclaimed: an examiner is told to claim first (409); nobody else may issue an MCCD at all.
        ("POST issue-mccd", [409, 404, 403, 404, 403, 403, 403, 401]),
        ("POST assign-office", [404, 404, 404, 404, 200, 403, 403, 401]),
    ];

    [Fact]
    public async Task every_endpoint_answers_every_role_and_office_as_domain_section_8_says()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 800);
        await using var host = await ApiHost.StartAsync(world);
        var failures = new List<string>();
        var scrutinyCase = 0;
        var unroutedCase = 0;

        foreach (var (endpoint, expected) in Matrix)
        {
            for (var i = 0; i < Callers.Length; i++)
            {
                var caller = Callers[i];
                using var client = host.Client(caller.Role == "" ? null : ApiHost.Token(caller.Role, caller.Office, $"{caller.Name}-user"));
                // Each cell gets a case of its own, so one cell's claim cannot change another's answer.
                var caseId = endpoint == "POST assign-office"
                    ? await world.CaseInAsync(Queues.Unrouted, office: null, skip: unroutedCase++)
                    : await world.CaseInAsync(Queues.Scrutiny, skip: scrutinyCase++);
                using var response = endpoint switch
                {
                    "GET queue counts" => await client.GetAsync($"/api/offices/{Own}/queues"),
                    "GET queue" => await client.GetAsync($"/api/offices/{Own}/queues/scrutiny?pageSize=5"),
                    "GET unrouted" => await client.GetAsync("/api/unrouted"),
                    "POST claim-next" => await client.PostAsync($"/api/offices/{Own}/claim-next?queue=scrutiny", null),
                    "GET case" => await client.GetAsync($"/api/cases/{caseId}"),
                    "POST claim" => await client.PostAsJsonAsync($"/api/cases/{caseId}/claim", new { }),
                    "POST issue-mccd" => await client.PostAsJsonAsync($"/api/cases/{caseId}/issue-mccd", new { expectedVersion = 1 }),
                    _ => await client.PostAsJsonAsync($"/api/cases/{caseId}/assign-office", new { expectedVersion = 1, officeId = Own }),
                };

                if ((int)response.StatusCode != expected[i])
                {
                    failures.Add($"{endpoint} as {caller.Name}: expected {expected[i]}, got {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, "every cell of the authorization matrix holds:\n" + string.Join("\n", failures));
    }

    public static TheoryData<string> BadTokens => new() { "expired", "wrong-signature", "wrong-audience", "garbage" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task a_bad_token_is_401_on_the_api_not_a_redirect(string kind)
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 50);
        await using var host = await ApiHost.StartAsync(world);
        var token = kind switch
        {
            "expired" => ApiHost.Token(Roles.MedicalExaminer, Own, lifetime: TimeSpan.FromMinutes(-5)),
            "wrong-signature" => ApiHost.Token(Roles.MedicalExaminer, Own, key: Convert.ToBase64String(new byte[48])),
            "wrong-audience" => ApiHost.Token(Roles.MedicalExaminer, Own, audience: "someone-else"),
            _ => "not.a.token",
        };
        using var client = host.Client(token);

        using var response = await client.GetAsync($"/api/offices/{Own}/queues");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task an_examiner_token_without_an_office_is_forbidden()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 50);
        await using var host = await ApiHost.StartAsync(world);
        using var client = host.Client(ApiHost.Token(Roles.MedicalExaminer, office: null));

        using var response = await client.GetAsync($"/api/offices/{Own}/queues");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task a_page_without_a_session_redirects_to_sign_in()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 50);
        await using var host = await ApiHost.StartAsync(world);
        using var client = host.Client();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
