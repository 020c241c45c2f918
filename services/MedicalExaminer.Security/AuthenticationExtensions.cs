using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Security;

public static class AuthenticationExtensions
{
    /// <summary>Default scheme: bearer for API callers, the cookie for people in a browser.</summary>
    public const string Scheme = "me";

    public const string CookieScheme = "me-ui";

    /// <summary>
    /// Bearer tokens (validated against <see cref="JwtAuthOptions"/>) for API clients, a cookie for the
    /// server-rendered UI, and the policies of DOMAIN §8. An API request without credentials gets 401
    /// (never a redirect to the sign-in page).
    /// </summary>
    public static WebApplicationBuilder AddMeAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddMeJwtBearerOptions(builder.Configuration);

        builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer or cookie", policy => policy.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : CookieScheme)
            .AddJwtBearer()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "me-session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                cookie.SlidingExpiration = true;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.LoginPath = "/sign-in";
                cookie.AccessDeniedPath = "/forbidden";
                cookie.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            });

        builder.Services.AddAuthorizationBuilder().AddMePolicies();
        return builder;
    }

    /// <summary>
    /// Validation of our bearer tokens (<see cref="JwtAuthOptions"/>, section <c>Auth:Jwt</c>) for the
    /// <see cref="JwtBearerDefaults.AuthenticationScheme"/> scheme; every API of the system validates them alike.
    /// </summary>
    public static IServiceCollection AddMeJwtBearerOptions(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOptions<JwtAuthOptions>()
            .Bind(configuration.GetSection(JwtAuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtAuthOptions>>((bearer, jwt) =>
            {
                var o = jwt.Value;
                bearer.MapInboundClaims = false;
                bearer.Authority = string.IsNullOrWhiteSpace(o.Authority) ? null : o.Authority;
                bearer.RequireHttpsMetadata = o.RequireHttpsMetadata;
                bearer.TokenValidationParameters = o.ToValidationParameters();
            });
        return services;
    }

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            context.Response.StatusCode = apiStatus;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
