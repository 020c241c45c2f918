using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier;
using MedicalExaminer.Kafka;
using MedicalExaminer.Notify;
using MedicalExaminer.NotifySink;
using MedicalExaminer.Outbox;
using MedicalExaminer.Perf.Harness;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Perf.Scenarios;

/// <summary>
/// Issue 5's figures: the outbox relay's throughput (case events from <c>casework.outbox</c> to Kafka, published and
/// marked, in events/s), then the family notifier's throughput with the local Notify sink over HTTP on 127.0.0.1:
/// every relayed NotificationReceived (informant consented, email) decided, sent and accepted, in notifications/s.
/// </summary>
public static class FamilyScenario
{
    public const string Name = "family";

    public static async Task<ScenarioResult> RunAsync(PerfEnvironment environment, PerfOptions options, CancellationToken cancellationToken)
    {
        var cases = options.FamilyCases;
        var connectionString = await environment.CreateDatabaseAsync(Name, cancellationToken: cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var topic = environment.CreateTopic("case-events", partitions: 6);
        await SeedOutboxAsync(dataSource, cases, cancellationToken);
        Console.WriteLine($"[family] {cases:N0} case events in casework.outbox; relaying");

        // 1. Relay: publish-then-mark batches of 1,000 under the lease, until the outbox is drained.
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var publisher = new KafkaPublisher(Options.Create(new KafkaOptions { BootstrapServers = environment.BootstrapServers }));
        var relay = new OutboxRelay(dataSource, publisher, new OutboxRelayOptions { Topic = topic }, metrics.GetRequiredService<IMeterFactory>(), NullLogger<OutboxRelay>.Instance);
        var started = Stopwatch.GetTimestamp();
        var relayed = 0;
        int batch;
        while ((batch = await relay.RelayOnceAsync(cancellationToken)) > 0)
        {
            relayed += batch;
        }

        var relaySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"[family] relayed {relayed:N0} events in {relaySeconds:F1} s; notifier starts");

        // 2. Notifier with the sink: consume, decide, send, until every notification is accepted by the sink.
        var apiKey = NotifyApiKey.Generate("perf");
        await using var sink = NotifySinkExtensions.BuildNotifySink([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["NotifySink:ApiKey"] = apiKey, ["NotifySink:SendingAfter"] = "00:00:00", ["NotifySink:DeliveredAfter"] = "00:00:00" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await sink.StartAsync(cancellationToken);
        await using var notifier = FamilyNotifierExtensions.BuildFamilyNotifier([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = environment.BootstrapServers,
                ["Postgres:ConnectionString"] = connectionString,
                [$"{FamilyNotifierExtensions.ConsumerSection}:Topic"] = topic,
                [$"{FamilyNotifierExtensions.ConsumerSection}:GroupId"] = $"perf-family-{Guid.NewGuid():N}",
                [$"{FamilyNotifierExtensions.ConsumerSection}:DeadLetterTopic"] = environment.CreateTopic("family-dlq", partitions: 1),
                ["Outbox:Topic"] = environment.CreateTopic("family-notifications", partitions: 6),
                ["Notify:BaseUrl"] = sink.Urls.First(),
                ["Notify:ApiKey"] = apiKey,
                // Every informant here prefers email: quiet hours do not apply, whatever the wall clock says.
                ["FamilyNotifier:IdleDelay"] = "00:00:00.020",
                ["FamilyNotifier:DispatchParallelism"] = options.FamilyParallelism.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        started = Stopwatch.GetTimestamp();
        await notifier.StartAsync(cancellationToken);
        long decided = 0, accepted = 0;
        double decidedSeconds = 0;
        var deadline = DateTime.UtcNow.AddMinutes(15);
        while (accepted < cases && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            (decided, accepted) = await connection.QuerySingleAsync<(long, long)>(
                "SELECT count(*), count(*) FILTER (WHERE status IN ('sent', 'delivered')) FROM family.notifications");
            if (decided >= cases && decidedSeconds == 0)
            {
                decidedSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
        }

        var notifierSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await notifier.StopAsync(cancellationToken);
        await using var check = await dataSource.OpenConnectionAsync(cancellationToken);
        var attempts = await check.ExecuteScalarAsync<long>("SELECT count(*) FROM family.attempts");
        var sinkMessages = sink.Services.GetRequiredService<SinkStore>().All().Count;

        return new ScenarioResult(Name, $"relay {cases:N0} case events; family notifier sends {cases:N0} notifications through the local Notify sink")
            .Figure("relay_events_per_s", Stats.Round(relayed / relaySeconds), "outbox rows published to Kafka and marked, per second (batches of 1,000, one relay)")
            .Figure("relay_seconds", Stats.Round(relaySeconds, 2), "wall time to drain the outbox")
            .Figure("notifier_decisions_per_s", Stats.Round(decidedSeconds > 0 ? cases / decidedSeconds : 0), "case events consumed and decided (inbox, contact, decision, outbox), per second, from notifier start")
            .Figure("notifier_sent_per_s", Stats.Round(accepted / notifierSeconds), "notifications sent and accepted by the sink over HTTP, per second, from notifier start (consume + decide + send)")
            .Figure("notifications_accepted", accepted, "accepted by the sink (must equal the cases)")
            .Figure("sink_messages", sinkMessages, "messages the sink holds (must equal the cases: none doubled)")
            .Figure("attempts", attempts, "send attempts recorded")
            .Figure("dispatch_parallelism", options.FamilyParallelism, "sends in flight per dispatcher")
            .Note("The sink runs in the same process as the notifier; both share the machine's 2 cores with Postgres and the mock cluster.");
    }

    /// <summary>One NotificationReceived per case, as the intake worker writes it, with a consenting email informant.</summary>
    private static async Task SeedOutboxAsync(NpgsqlDataSource dataSource, int cases, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO casework.outbox (event_id, case_id, sequence, event_type, payload, occurred_at)
            SELECT e, c, 1, 'NotificationReceived', p::jsonb, now()
            FROM unnest(@events, @cases, @payloads) AS t(e, c, p)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in Enumerable.Range(0, cases).Chunk(5_000))
        {
            var events = chunk.Select(_ => new CaseEvent
            {
                EventId = Guid.NewGuid(),
                CaseId = Guid.NewGuid(),
                Sequence = 1,
                OccurredAt = DateTimeOffset.UtcNow,
                Actor = EventActor.Service("intake-worker"),
                Body = new NotificationReceived(
                    "perf-pas", $"n-{Guid.NewGuid():N}", "RXX", "RXX01", PlacesOfDeath.HospitalInpatient, DateTimeOffset.UtcNow.AddHours(-6), 81, false, null, "me-leeds",
                    new DeceasedSummary("Pat", "Example"),
                    new Informant { Name = "Alex Relative", Email = "relative@example.org", PreferredChannel = ContactChannels.Email, Language = Languages.English, ConsentToContact = true }),
            }).ToList();
            await connection.ExecuteAsync(new CommandDefinition(sql, new
            {
                events = events.Select(e => e.EventId).ToArray(),
                cases = events.Select(e => e.CaseId).ToArray(),
                payloads = events.Select(e => JsonSerializer.Serialize(e, ContractsJsonContext.Default.CaseEvent)).ToArray(),
            }, cancellationToken: cancellationToken));
        }
    }
}
