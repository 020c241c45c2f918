using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier.Decisions;
using MedicalExaminer.FamilyNotifier.Persistence;
using MedicalExaminer.FamilyNotifier.Sending;
using MedicalExaminer.Kafka;
using MedicalExaminer.Migrations;
using MedicalExaminer.Notify;
using MedicalExaminer.Outbox;
using MedicalExaminer.ServiceDefaults;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.FamilyNotifier;

/// <summary>All of the family notifier's wiring, so that Program.cs, the dev host and tests compose the same service.</summary>
public static class FamilyNotifierExtensions
{
    public const string ServiceName = "family-notifier";
    public const string ConsumerSection = "FamilyNotifier:Consumer";

    /// <summary>The <see cref="CrashPoint"/> reached after the provider accepted a message and before that is recorded.</summary>
    public const string AfterAcceptedCrashPoint = "FamilyNotifierAfterAccepted";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Kafka:ClientId"] = "me-family-notifier",
        ["Logging:LogLevel:Npgsql"] = "Warning",
        // HttpClientFactory logs every request at Information; the provider's URLs carry no personal data, but it is noise.
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        // Polly reports every execution attempt at Information; retries and breaker changes it still reports at Warning.
        ["Logging:LogLevel:Polly"] = "Warning",
        [$"{ConsumerSection}:Topic"] = Topics.CaseEvents,
        [$"{ConsumerSection}:GroupId"] = "me-family-notifier",
        [$"{ConsumerSection}:DeadLetterTopic"] = Topics.FamilyNotifierDeadLetter,
        [$"{ConsumerSection}:MaxBatchSize"] = "500",
        [$"{ConsumerSection}:MaxBatchWait"] = "00:00:00.100",
        // The family context's own outbox, relayed by the shared relay to its own topic.
        ["Outbox:Schema"] = "family",
        ["Outbox:Topic"] = Topics.FamilyNotifications,
        ["Outbox:SchemaId"] = SchemaIds.FamilyNotificationV1,
    };

    public static TBuilder AddFamilyNotifier<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        var services = builder.Services;
        services.AddOptions<FamilyNotifierOptions>()
            .Bind(builder.Configuration.GetSection(FamilyNotifierOptions.Section))
            .ValidateDataAnnotations()
            .Validate<IOptions<NotifyOptions>>(
                (options, notify) => options.Lease >= FamilyNotifierOptions.LeaseAttempts * notify.Value.AttemptTimeout,
                $"FamilyNotifier:Lease must be at least {FamilyNotifierOptions.LeaseAttempts} times Notify:AttemptTimeout: a claim may look its reference up and then send, and no other dispatcher may take it meanwhile.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddPostgresContext(builder.Configuration);
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<FamilyNotifierOptions>>().Value;
            return new QuietHours(options.Zone(), options.QuietHoursStart, options.QuietHoursEnd);
        });
        services.AddSingleton<DecisionWriter>();
        services.AddSingleton<NotificationQueue>();
        services.AddNotifyClient(builder.Configuration);
        services.AddSingleton(provider =>
        {
            var dispatcher = ActivatorUtilities.CreateInstance<NotificationDispatcher>(provider);
            // Fault-matrix tests only (inert unless CrashPoints:FamilyNotifierAfterAccepted is set): die after the
            // provider accepted a message and before that is recorded.
            if (CrashPoint.Create(builder.Configuration, AfterAcceptedCrashPoint) is { } crash)
            {
                dispatcher.AfterSend = (_, outcome, _) =>
                {
                    if (outcome.Result == SendResult.Accepted)
                    {
                        crash();
                    }

                    return Task.CompletedTask;
                };
            }

            return dispatcher;
        });
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<NotificationDispatcher>());
        services.AddKafkaBatchConsumer<CaseEventHandler>(builder.Configuration, ConsumerSection);
        services.AddOutboxRelay(builder.Configuration);
        return builder;
    }

    /// <summary>Builds the family notifier as a web application (health endpoints, consume loop, dispatcher, outbox relay).</summary>
    public static WebApplication BuildFamilyNotifier(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddFamilyNotifier();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
