using MedicalExaminer.Security;
using MedicalExaminer.SyntheticData;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalExaminer.WebUi;

/// <summary>
/// The development sign-in page (<c>/sign-in</c>, shared by every web UI): whether it is on, which demo users it
/// offers and what it tells them. Production signs in through the organisation's OIDC provider instead.
/// </summary>
public sealed class DemoSignInSettings
{
    public bool Enabled { get; init; }

    /// <summary>The demo users offered, in the order shown.</summary>
    public Func<IEnumerable<DemoUser>, IEnumerable<DemoUser>> Offer { get; init; } = users => users;

    public string Hint { get; init; } = "Development server: choose a demo user. Real deployments sign in through the organisation's identity provider.";

    public IReadOnlyList<DemoUser> Users => [.. Offer(DemoUsers.All)];
}

public static class DemoSignInExtensions
{
    /// <summary><c>POST /sign-out</c>: ends the UI session and returns to the sign-in page (every web UI has it).</summary>
    public static IEndpointConventionBuilder MapSignOut(this IEndpointRouteBuilder app) =>
        app.MapPost("/sign-out", async (HttpContext context) =>
        {
            await context.SignOutAsync(AuthenticationExtensions.CookieScheme);
            return Results.Redirect("/sign-in");
        }).ExcludeFromDescription();

    /// <summary>Registers the settings of the shared sign-in page.</summary>
    public static IServiceCollection AddDemoSignIn(this IServiceCollection services, Func<IServiceProvider, DemoSignInSettings> settings) =>
        services.AddSingleton(settings);
}
