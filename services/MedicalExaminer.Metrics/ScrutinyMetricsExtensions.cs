using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.Metrics.Api;
using MedicalExaminer.Metrics.Figures;
using MedicalExaminer.Metrics.Projection;
using MedicalExaminer.Metrics.Snapshots;
using MedicalExaminer.Metrics.Telemetry;
using MedicalExaminer.Migrations;
using MedicalExaminer.Security;
using MedicalExaminer.ServiceDefaults;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MedicalExaminer.WebUi;
using OpenTelemetry.Metrics;

namespace MedicalExaminer.Metrics;

/// <summary>All of the metrics service's wiring, so that Program.cs, the dev host and tests compose the same service.</summary>
public static class ScrutinyMetricsExtensions
{
    public const string ServiceName = "metrics";
    public const string ConsumerSection = "Metrics:Consumer";
    public const string PrometheusPath = "/metrics";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Kafka:ClientId"] = "me-metrics",
        ["Logging:LogLevel:Npgsql"] = "Warning",
        [$"{ConsumerSection}:Topic"] = Topics.CaseEvents,
        [$"{ConsumerSection}:GroupId"] = "me-metrics",
        [$"{ConsumerSection}:DeadLetterTopic"] = Topics.CaseEventsMetricsDeadLetter,
        [$"{ConsumerSection}:MaxBatchSize"] = "5000",
        [$"{ConsumerSection}:MaxBatchWait"] = "00:00:00.200",
    };

    /// <summary>The projection (consumer), the figures, the snapshot publisher and the instruments.</summary>
    public static TBuilder AddMetricsProjection<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // Code defaults at the lowest precedence: appsettings, environment and command line override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        var services = builder.Services;
        services.AddOptions<MetricsOptions>()
            .Bind(builder.Configuration.GetSection(MetricsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddPostgresContext(builder.Configuration);
        services.AddSingleton<ProjectionStore>();
        services.AddSingleton<FigureStore>();
        services.AddSingleton<ScrutinyReport>();
        services.AddSingleton<ScrutinyInstruments>();
        services.AddKafkaBatchConsumer<CaseEventProjector>(builder.Configuration, ConsumerSection);
        services.AddSingleton<SnapshotPublisher>();
        services.AddHostedService(provider => provider.GetRequiredService<SnapshotPublisher>());
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
        return builder;
    }

    /// <summary>The HTTP surface: authentication, the regulator API with its OpenAPI document, CSV, the dashboard.</summary>
    public static WebApplicationBuilder AddMetricsWeb(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, MetricsJsonContext.Default));
        builder.AddNhsWebUi(
            provider => new DemoSignInSettings
            {
                Enabled = provider.GetRequiredService<IOptions<MetricsOptions>>().Value.DemoSignIn,
                // Only the roles that may read metrics: regulators first, then each office's medical examiner.
                Offer = users => users.Where(u => u.Role is Roles.Regulator or Roles.MedicalExaminer).OrderBy(u => u.Role != Roles.Regulator),
                Hint = "Development server: choose a demo user. Regulators see suppressed figures for every office; a medical examiner sees their own office's figures.",
            },
            pages => pages.AuthorizeFolder("/", Policies.MetricsReader));
        return builder;
    }

    /// <summary>Builds the metrics service as one web application.</summary>
    public static WebApplication BuildMetricsService(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The application name makes Razor Pages resolve to this assembly when the dev host or a test is the entry assembly.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ScrutinyMetricsExtensions).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddMetricsProjection();
        builder.AddMetricsWeb();

        var app = builder.Build();
        app.UseNhsWebUi();
        app.MapDefaultEndpoints();
        app.MapPrometheusScrapingEndpoint(PrometheusPath);
        app.MapMetricsEndpoints();
        return app;
    }
}
