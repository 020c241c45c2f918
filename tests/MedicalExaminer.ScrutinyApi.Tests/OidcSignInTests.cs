using System.Net;
using System.Security.Claims;
using System.Web;
using MedicalExaminer.Contracts;
using MedicalExaminer.Testing;
using MedicalExaminer.WebUi.SignIn;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>
/// OIDC sign-in of people (issue 19): the CIS2-style role and organisation claims mapped to one role and one office or
/// refused with the reason, and the challenge the UI sends the browser to the provider with.
/// </summary>
public sealed class OidcSignInTests(PostgresFixture postgres)
{
    private static readonly OidcSignInOptions Mappings = new()
    {
        Authority = "https://identity.example.invalid",
        ClientId = "medical-examiner",
        RoleClaim = "nhsid_role_code",
        OrganisationClaim = "nhsid_org_code",
        RoleMappings = new(StringComparer.Ordinal)
        {
            ["R8000"] = Roles.MedicalExaminer,
            ["R8001"] = Roles.MedicalExaminerOfficer,
            ["R9000"] = Roles.Regulator,
        },
        OfficeMappings = new(StringComparer.OrdinalIgnoreCase) { ["RR8"] = CaseworkWorld.Office, ["RA7"] = "me-bristol" },
    };

    private static ClaimsPrincipal Claims(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));

    [Fact]
    public void a_leeds_examiner_at_the_provider_is_a_medical_examiner_of_the_leeds_office()
    {
        var (user, refusal) = OidcClaimsMapper.Map(
            Claims(("sub", "5551234"), ("name", "Dr A Okafor"), ("nhsid_role_code", "R0260"), ("nhsid_role_code", "R8000"), ("nhsid_org_code", "RR8")), Mappings);

        Assert.Null(refusal);
        Assert.Equal(("5551234", "Dr A Okafor", Roles.MedicalExaminer, CaseworkWorld.Office), (user!.Id, user.Name, user.Role, user.OfficeId));
    }

    [Theory]
    [InlineData("R0260", "RR8", SignInRefusals.NoRole)]
    [InlineData("R8000", "X99", SignInRefusals.NoOffice)]
    [InlineData("R8000 R9000", "RR8", SignInRefusals.SeveralRoles)]
    [InlineData("R8001", "RR8 RA7", SignInRefusals.SeveralOffices)]
    public void claims_that_map_to_no_single_role_and_office_are_refused_with_the_reason(string roles, string organisations, string expected)
    {
        var (user, refusal) = OidcClaimsMapper.Map(Claims(("sub", "5551234"), ("nhsid_role_code", roles), ("nhsid_org_code", organisations)), Mappings);

        Assert.Null(user);
        Assert.Equal(expected, refusal);
    }

    [Fact]
    public void a_regulator_needs_no_office_and_gets_none()
    {
        var (user, _) = OidcClaimsMapper.Map(Claims(("sub", "r1"), ("nhsid_role_code", "R9000"), ("nhsid_org_code", "RR8")), Mappings);

        Assert.Equal((Roles.Regulator, (string?)null), (user!.Role, user.OfficeId));
    }

    [Fact]
    public void a_mapping_to_a_role_the_service_does_not_have_or_a_plain_http_authority_fails_validation()
    {
        var wrong = new OidcSignInOptions { Authority = "http://identity.example.invalid", ClientId = "c", RoleMappings = new() { ["R1"] = "superuser" } };

        var errors = wrong.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(wrong)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.Contains("https", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("Oidc:RoleMappings:R1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_visit_without_a_session_goes_to_the_provider_with_the_code_flow_and_a_pkce_s256_challenge()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 10);
        await using var host = await StartWithProviderAsync(world);
        using var client = host.Client();

        using var page = await client.GetAsync("/");
        using var signIn = await client.GetAsync(page.Headers.Location);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var location = signIn.Headers.Location!;
        Assert.Equal("https://identity.example.invalid/authorize", location.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(("code", "medical-examiner", "S256"), (query["response_type"], query["client_id"], query["code_challenge_method"]));
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        Assert.Equal(["openid", "profile", "nhsperson"], query["scope"]!.Split(' '));
        Assert.Equal($"{host.BaseAddress.GetLeftPart(UriPartial.Authority)}/signin-oidc", query["redirect_uri"]);
    }

    [Fact]
    public async Task a_refused_sign_in_answers_403_with_a_page_that_says_why()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 10);
        await using var host = await StartWithProviderAsync(world);
        using var client = host.Client();

        using var refused = await client.GetAsync($"{OidcSignInExtensions.RefusedPath}?reason={SignInRefusals.NoRole}");
        using var unknown = await client.GetAsync($"{OidcSignInExtensions.RefusedPath}?reason=made-up-reason-7731");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("None of the roles your organisation", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unknownPage = await unknown.Content.ReadAsStringAsync();
        Assert.DoesNotContain("made-up-reason-7731", unknownPage, StringComparison.Ordinal);
        Assert.Contains($"data-refusal=\"{SignInRefusals.ProviderError}\"", unknownPage, StringComparison.Ordinal);
    }

    /// <summary>
    /// The scrutiny UI with OIDC on and the demo sign-in off. The provider's metadata is given, not fetched: these tests
    /// look at what the UI sends the browser to the provider with, not at a provider.
    /// </summary>
    private static Task<ApiHost> StartWithProviderAsync(CaseworkWorld world) => ApiHost.StartAsync(world, new Dictionary<string, string?>
    {
        ["WebUi:DemoSignIn"] = "false",
        ["Oidc:Authority"] = "https://identity.example.invalid",
        ["Oidc:ClientId"] = "medical-examiner",
        ["Oidc:ClientSecret"] = "not-used-by-a-challenge",
        ["Oidc:Scopes"] = "profile nhsperson",
        ["Oidc:RoleMappings:R8000"] = Roles.MedicalExaminer,
        ["Oidc:OfficeMappings:RR8"] = CaseworkWorld.Office,
    }, builder => builder.Services.PostConfigure<OpenIdConnectOptions>(OidcSignInExtensions.Scheme, oidc => oidc.Configuration = new OpenIdConnectConfiguration
    {
        Issuer = "https://identity.example.invalid",
        AuthorizationEndpoint = "https://identity.example.invalid/authorize",
        TokenEndpoint = "https://identity.example.invalid/token",
        EndSessionEndpoint = "https://identity.example.invalid/logout",
    }));
}
