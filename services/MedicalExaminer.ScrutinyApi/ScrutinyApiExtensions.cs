using MedicalExaminer.Casework;
using System.Text.Json.Serialization;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.Migrations;
using MedicalExaminer.Outbox;
using MedicalExaminer.ScrutinyApi.Api;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.Security;
using MedicalExaminer.ServiceDefaults;
using MedicalExaminer.WebUi;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.ScrutinyApi;

/// <summary>All of the scrutiny API's wiring, so that Program.cs, the dev host and tests compose the same service.</summary>
public static class ScrutinyApiExtensions
{
    public const string ServiceName = "scrutiny-api";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Kafka:ClientId"] = "me-scrutiny-api",
        ["Logging:LogLevel:Npgsql"] = "Warning",
        [$"{FamilyNotificationsSection}:Topic"] = Topics.FamilyNotifications,
        [$"{FamilyNotificationsSection}:GroupId"] = "me-scrutiny-api-family-notifications",
        [$"{FamilyNotificationsSection}:DeadLetterTopic"] = Topics.FamilyNotifierDeadLetter,
    };

    /// <summary>The consumer of the family notifier's events, for the case page.</summary>
    public const string FamilyNotificationsSection = "FamilyNotifications:Consumer";

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
        services.AddPostgresContext(builder.Configuration);
        services.AddSingleton<CaseStore>();
        services.AddSingleton<CaseReader>();
        services.AddSingleton<OfficeDirectoryLoader>();
        services.AddSingleton<CaseworkService>();
        services.AddHostedService<ClaimLapseSweeper>();
        // This service writes case events, so it relays its context's outbox (DESIGN §2). Another
        // process of the context may do it instead (Outbox:Enabled=false), e.g. in the API's own tests.
        if (builder.Configuration.GetValue("Outbox:Enabled", defaultValue: true))
        {
            services.AddOutboxRelay(builder.Configuration);
        }

        // The case page shows each family notification from the family notifier's events, never its tables.
        services.AddSingleton<FamilyNotificationProjection>();
        if (builder.Configuration.GetValue("FamilyNotifications:Enabled", defaultValue: true))
        {
            services.AddKafkaBatchConsumer<FamilyNotificationProjection>(builder.Configuration, FamilyNotificationsSection);
        }
        return builder;
    }

    /// <summary>The HTTP surface: authentication, the JSON API with its OpenAPI document, and the web UI.</summary>
    public static WebApplicationBuilder AddScrutinyWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebUiOptions>()
            .Bind(builder.Configuration.GetSection(WebUiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddNhsWebUi(
            provider => new DemoSignInSettings { Enabled = provider.GetRequiredService<IOptions<WebUiOptions>>().Value.DemoSignIn },
            pages =>
            {
                pages.AuthorizeFolder("/", Policies.CaseReader);
                pages.AuthorizeFolder("/Admin", Policies.Admin);
            });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default);
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        // Inputs are size-limited (DESIGN §6): no workflow step needs more than a few KiB.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);
        return builder;
    }

    /// <summary>Builds the scrutiny API and web UI as one web application.</summary>
    public static WebApplication BuildScrutinyApi(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The application name makes Razor Pages and static web assets resolve to this assembly even when
        // the dev host or a test is the entry assembly.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ScrutinyApiExtensions).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddScrutinyCasework();
        builder.AddScrutinyWeb();

        var app = builder.Build();
        app.UseNhsWebUi();
        app.MapDefaultEndpoints();
        app.MapCaseEndpoints();
        return app;
    }
}
