using MedicalExaminer.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace MedicalExaminer.WebUi.SignIn;

public static partial class OidcSignInExtensions
{
    public const string Scheme = "oidc";

    public const string RefusedPath = "/sign-in/refused";

    /// <summary>
    /// People sign in at the provider named by <see cref="OidcSignInOptions"/> (when it names one): authorization code
    /// flow with PKCE (S256), the ID token's issuer, audience (our client id), signature, lifetime and nonce checked by
    /// the handler, roles and office from the claim mappings, then our own UI cookie. Signing out ends the session at
    /// the provider too (its end-session endpoint, with the ID token as hint).
    /// </summary>
    public static WebApplicationBuilder AddOidcSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OidcSignInOptions>()
            .Bind(builder.Configuration.GetSection(OidcSignInOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var settings = builder.Configuration.GetSection(OidcSignInOptions.Section).Get<OidcSignInOptions>() ?? new OidcSignInOptions();
        if (!settings.Enabled)
        {
            return builder;
        }

        var development = builder.Environment.IsDevelopment();
        // The provider sends the browser back from another site: a Strict session cookie would not be sent on that
        // navigation's redirect to the page asked for, and the person would be sent to sign in again and again.
        // Lax still keeps the cookie off cross-site POSTs, and every form carries an antiforgery token.
        builder.Services.PostConfigure<CookieAuthenticationOptions>(AuthenticationExtensions.CookieScheme, cookie => cookie.Cookie.SameSite = SameSiteMode.Lax);
        builder.Services.AddAuthentication().AddOpenIdConnect(Scheme, "NHS identity", oidc =>
        {
            oidc.Authority = settings.Authority;
            oidc.ClientId = settings.ClientId;
            oidc.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
            oidc.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            oidc.ResponseMode = OpenIdConnectResponseMode.Query;
            oidc.UsePkce = true;
            oidc.SignInScheme = AuthenticationExtensions.CookieScheme;
            oidc.SignOutScheme = AuthenticationExtensions.CookieScheme;
            oidc.SignedOutRedirectUri = "/sign-in?signedOut=true";
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = true;
            oidc.SaveTokens = true;
            oidc.Scope.Clear();
            foreach (var scope in $"openid {settings.Scopes}".Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal))
            {
                oidc.Scope.Add(scope);
            }

            // Role and organisation may come from userinfo (CIS2 puts them there): keep those claims, arrays item by item.
            oidc.ClaimActions.MapJsonKey(settings.RoleClaim, settings.RoleClaim);
            oidc.ClaimActions.MapJsonKey(settings.OrganisationClaim, settings.OrganisationClaim);
            oidc.TokenValidationParameters.NameClaimType = MeClaimTypes.Name;
            oidc.TokenValidationParameters.RoleClaimType = MeClaimTypes.Role;
            foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            }

            oidc.Events.OnTicketReceived = context =>
            {
                var (user, refusal) = OidcClaimsMapper.Map(context.Principal!, settings);
                if (user is null)
                {
                    LogRefused(Logger(context.HttpContext), refusal!);
                    context.HandleResponse();
                    context.Response.Redirect($"{RefusedPath}?reason={Uri.EscapeDataString(refusal!)}");
                    return Task.CompletedTask;
                }

                context.Principal = user.ToPrincipal(AuthenticationExtensions.CookieScheme);
                return Task.CompletedTask;
            };
            // A wrong issuer, audience, signature or nonce, a replayed or forged callback, an error from the provider.
            oidc.Events.OnRemoteFailure = context =>
            {
                LogProviderFailure(Logger(context.HttpContext), context.Failure?.GetType().Name ?? "unknown");
                context.HandleResponse();
                context.Response.Redirect($"{RefusedPath}?reason={SignInRefusals.ProviderError}");
                return Task.CompletedTask;
            };
        });
        return builder;
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignInExtensions).FullName!);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in at the identity provider failed ({Failure})")]
    private static partial void LogProviderFailure(ILogger logger, string failure);
}
