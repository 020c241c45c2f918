using System.Globalization;
using System.Threading.RateLimiting;
using MedicalExaminer.Gateway.Api;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Mllp;
using MedicalExaminer.Gateway.Profiles;
using MedicalExaminer.Gateway.Publishing;
using MedicalExaminer.Kafka;
using MedicalExaminer.Security;
using MedicalExaminer.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Gateway;

/// <summary>All of the gateway's wiring, so that Program.cs, the dev host and tests compose the same service.</summary>
public static class GatewayExtensions
{
    public const string ServiceName = "gateway";
    public const string AuthScheme = "publisher";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Kafka:ClientId"] = "me-gateway",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        // Every refused key would log "challenged" at Information.
        ["Logging:LogLevel:MedicalExaminer.Gateway.Auth"] = "Warning",
        // A hospital system waits on the answer: better a 503 within 30 s than a hanging request for librdkafka's default 5 minutes.
        ["Kafka:Producer:message.timeout.ms"] = "30000",
    };

    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        var services = builder.Services;
        services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddKafkaProducer(builder.Configuration);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<PublisherProfiles>();
        services.AddSingleton<NotificationReader>();
        services.AddSingleton<NotificationPublisher>();
        services.AddSingleton<ApiKeyDirectory>();
        services.AddSingleton<MllpTlsAuthenticator>();
        services.AddSingleton<MllpListener>();
        services.AddHostedService(provider => provider.GetRequiredService<MllpListener>());

        // Publishers authenticate with an API key (X-Api-Key) or a bearer token of role "publisher" with an ODS-code claim.
        services.AddMeJwtBearerOptions(builder.Configuration);
        services.AddAuthentication(AuthScheme)
            .AddPolicyScheme(AuthScheme, "API key or bearer token", policy => policy.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(NotificationEndpoints.PublisherPolicy, policy => policy
            .RequireAuthenticatedUser()
            .RequireAssertion(context => PublisherIdentity.From(context.User) is not null));

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(NotificationEndpoints.RateLimitPolicy, context =>
            {
                var rate = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.RateLimit;
                return RateLimitPartition.GetTokenBucketLimiter(PublisherIdentity.From(context.User)?.Id ?? "", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = rate.Burst,
                    TokensPerPeriod = rate.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await NotificationEndpoints.Problem(StatusCodes.Status429TooManyRequests, GatewayErrorCodes.RateLimited,
                    $"Too many notifications from this publisher; retry after {seconds} s.", []).ExecuteAsync(context.HttpContext);
            };
        });

        // Every error is RFC 7807 with a code, including those the framework writes (401, 403, 404, 405); a FHIR request's
        // is an OperationOutcome. The writers are asked in order of registration, so the FHIR one comes first.
        services.AddSingleton<IProblemDetailsWriter, OperationOutcomeWriter>();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                context.ProblemDetails.Extensions["code"] = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status401Unauthorized => GatewayErrorCodes.Unauthenticated,
                    StatusCodes.Status403Forbidden => GatewayErrorCodes.Forbidden,
                    StatusCodes.Status404NotFound => GatewayErrorCodes.NotFound,
                    StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
                    // Routing refuses a Content-Type the endpoint does not accept before the handler runs.
                    StatusCodes.Status415UnsupportedMediaType => GatewayErrorCodes.UnsupportedMediaType,
                    _ => "error",
                };
                if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
                {
                    context.ProblemDetails.Extensions["errors"] = new[] { new Dictionary<string, string> { ["code"] = GatewayErrorCodes.UnsupportedMediaType, ["field"] = "Content-Type" } };
                }
            }
        });
        services.AddOpenApi(NotificationOpenApi.Describe);
        // A backstop above the endpoint's own limit, which answers 413 with problem details.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 256 * 1024);
        return builder;
    }

    /// <summary>Builds the gateway as a web application: HTTP endpoint, MLLP listener, health, OpenAPI.</summary>
    public static WebApplication BuildGateway(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(GatewayExtensions).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddGateway();

        var app = builder.Build();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapDefaultEndpoints();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapNotificationEndpoints();
        app.MapProfileEndpoints();
        return app;
    }
}
