using MedicalExaminer.Security;
using MedicalExaminer.WebUi.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.WebUi;

/// <summary>
/// The one web stack of every service with a UI (the scrutiny UI and the metrics dashboard): bearer and cookie
/// authentication with the policies of DOMAIN §8, OIDC sign-in and the development sign-in page, problem details,
/// the OpenAPI document, Razor Pages with the NHS design system. A service adds only its own page conventions.
/// </summary>
public static class NhsWebUiExtensions
{
    public static WebApplicationBuilder AddNhsWebUi(
        this WebApplicationBuilder builder, Func<IServiceProvider, DemoSignInSettings> demoSignIn, Action<PageConventionCollection> pages)
    {
        builder.AddMeAuthentication();
        builder.AddOidcSignIn();
        builder.Services.AddDemoSignIn(demoSignIn);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddRazorPages(options =>
        {
            pages(options.Conventions);
            options.Conventions.AllowAnonymousToPage("/SignIn");
            options.Conventions.AllowAnonymousToPage("/SignInRefused");
            options.Conventions.AllowAnonymousToPage("/Forbidden");
        });
        return builder;
    }

    /// <summary>The middleware and endpoints of <see cref="AddNhsWebUi"/>; the service maps its own endpoints after it.</summary>
    public static WebApplication UseNhsWebUi(this WebApplication app)
    {
        app.UseStatusCodePages();
        // The NHS design system, bundled at build time into the output folder.
        app.UseNhsUkFrontend();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapRazorPages();
        app.MapSignOut();
        return app;
    }

    /// <summary>
    /// <c>POST /sign-out</c>: ends the UI session and, when people sign in through the provider, the provider's
    /// session too (the provider then sends the browser back to the sign-in page).
    /// </summary>
    public static IEndpointConventionBuilder MapSignOut(this IEndpointRouteBuilder app) =>
        app.MapPost("/sign-out", async (HttpContext context, IOptions<OidcSignInOptions> oidc) =>
        {
            await context.SignOutAsync(AuthenticationExtensions.CookieScheme);
            if (oidc.Value.Enabled)
            {
                await context.SignOutAsync(OidcSignInExtensions.Scheme, new AuthenticationProperties { RedirectUri = "/sign-in?signedOut=true" });
                return Results.Empty;
            }

            return Results.Redirect("/sign-in?signedOut=true");
        }).ExcludeFromDescription();
}
