using System.Net;
using MedicalExaminer.Contracts;
using MedicalExaminer.Testing;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>
/// What the whole system's authorization matrix (tests/MedicalExaminer.Security.Tests/AuthorizationMatrix.cs: every
/// endpoint × every role × own/other office × bad tokens) does not express: incomplete claims and where a page sends
/// someone without a session.
/// </summary>
public sealed class ApiAuthenticationTests(PostgresFixture postgres)
{
    private const string Own = CaseworkWorld.Office;

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
