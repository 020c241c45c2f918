using MedicalExaminer.Migrator;
using MedicalExaminer.Outbox;
using MedicalExaminer.Postgres;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.ServiceDefaults;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalExaminer.ScrutinyApi;

/// <summary>All of the scrutiny API's wiring, so that Program.cs, the dev host and tests compose the same service.</summary>
public static class ScrutinyApiExtensions
{
    public const string ServiceName = "scrutiny-api";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Kafka:ClientId"] = "me-scrutiny-api",
        ["Logging:LogLevel:Npgsql"] = "Warning",
    };

    public static TBuilder AddScrutinyCasework<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        var services = builder.Services;
        services.AddOptions<WorkflowOptions>()
            .Bind(builder.Configuration.GetSection(WorkflowOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddPostgres(builder.Configuration);
        services.AddHealthChecks().AddCheck<SchemaVersionHealthCheck>("schema-version", tags: [ServiceDefaultsExtensions.ReadyTag]);
        services.AddSingleton<CaseStore>();
        services.AddSingleton<CaseReader>();
        services.AddHostedService<ClaimLapseSweeper>();
        // This service writes case events, so it relays its context's outbox (DESIGN §2).
        services.AddOutboxRelay(builder.Configuration);
        return builder;
    }

    /// <summary>Builds the scrutiny API and web UI as one web application.</summary>
    public static WebApplication BuildScrutinyApi(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddScrutinyCasework();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
