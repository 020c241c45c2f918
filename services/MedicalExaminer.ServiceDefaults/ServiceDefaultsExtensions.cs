using MedicalExaminer.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MedicalExaminer.ServiceDefaults;

/// <summary>
/// Cross-cutting setup every deployable calls: OpenTelemetry traces and metrics, health checks and
/// their endpoints. Kept in one place so services cannot drift (STYLE.md, eShop's ServiceDefaults).
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Every ActivitySource and Meter of this service family starts with this prefix.</summary>
    public const string TelemetryPrefix = "MedicalExaminer";

    /// <summary>The ActivitySource and Meter of System.Net.Http's HttpClient (.NET 9 and later).</summary>
    public const string HttpClientTelemetry = "System.Net.Http";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        // ASP.NET Core's "Request starting/finished" lines echo the whole URL a client sent, query string included:
        // our URLs carry no personal data, but a careless client's might, so they stay off unless asked for.
        // (Lowest precedence: appsettings and the environment may still override it.)
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Warning" },
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource($"{TelemetryPrefix}.*")
                // Outgoing HTTP (Notify, the OIDC provider's metadata and keys, the registrar): .NET's own client
                // spans, which carry the URL with its query values redacted, and its request metrics below.
                .AddSource(HttpClientTelemetry)
                .AddAspNetCoreInstrumentation(options =>
                {
                    // Health probes every few seconds would drown the traces that matter.
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal);
                    // Spans record the route template, never the path a client sent (which could carry anything it
                    // chose to put there); a request no route matched records none.
                    options.EnrichWithHttpResponse = (activity, response) =>
                        activity.SetTag("url.path", (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)");
                })
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter($"{TelemetryPrefix}.*")
                .AddMeter(HttpClientTelemetry)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation());

        // OTLP only when a collector is configured (standard OTEL_EXPORTER_OTLP_ENDPOINT variable),
        // so a developer's machine does not retry a missing collector forever.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        // Liveness: the process answers. Readiness: checks tagged "ready" (consume-loop heartbeat,
        // database schema version) are registered by the building blocks that own them.
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);

        return builder;
    }

    /// <summary>Maps <c>/health/live</c> and <c>/health/ready</c> in every environment.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
        });
        return app;
    }
}
