using MedicalExaminer.Contracts;
using MedicalExaminer.IntakeWorker.Intake;
using MedicalExaminer.Casework;
using MedicalExaminer.Kafka;
using MedicalExaminer.Migrations;
using MedicalExaminer.ServiceDefaults;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalExaminer.IntakeWorker;

/// <summary>All of the intake worker's wiring, so that Program.cs, the dev host and tests compose the same service.</summary>
public static class IntakeWorkerExtensions
{
    public const string ServiceName = "intake-worker";
    public const string ConsumerSection = "Intake:Consumer";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Kafka:ClientId"] = "me-intake-worker",
        // Npgsql logs every command at Information: far too much for a batch worker.
        ["Logging:LogLevel:Npgsql"] = "Warning",
        [$"{ConsumerSection}:Topic"] = Topics.DeathNotifications,
        [$"{ConsumerSection}:GroupId"] = "me-intake-worker",
        [$"{ConsumerSection}:DeadLetterTopic"] = Topics.DeathNotificationsDeadLetter,
        [$"{ConsumerSection}:MaxBatchSize"] = "2000",
        [$"{ConsumerSection}:MaxBatchWait"] = "00:00:00.200",

        // Prefetch: librdkafka queues up to 64 MiB of fetched (decompressed) messages by default. 16 MiB is still
        // ten batches of 2,000 notifications ahead of the handler, and keeps the worker's memory small and flat.
        ["Kafka:Consumer:queued.max.messages.kbytes"] = "16384",
    };

    public static TBuilder AddIntakeWorker<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // Code defaults at the lowest precedence: appsettings, environment and command line override them.
        // (No appsettings.json here: the dev host and tests host this worker inside their own content root.)
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });

        var services = builder.Services;
        services.AddOptions<IntakeOptions>()
            .Bind(builder.Configuration.GetSection(IntakeOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddPostgresContext(builder.Configuration);
        services.AddSingleton<CaseIntakeWriter>();
        services.AddSingleton<OfficeDirectoryLoader>();
        services.AddSingleton<OfficeDirectoryCache>();
        services.AddSingleton<IntakeMetrics>();
        services.AddKafkaBatchConsumer<IntakeBatchHandler>(builder.Configuration, ConsumerSection);
        return builder;
    }

    /// <summary>Builds the intake worker as a web application (health endpoints + the consume loop).</summary>
    public static WebApplication BuildIntakeWorker(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddIntakeWorker();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
