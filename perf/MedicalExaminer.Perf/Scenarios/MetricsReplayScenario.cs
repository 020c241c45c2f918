using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.Metrics;
using MedicalExaminer.Metrics.Figures;
using MedicalExaminer.Metrics.Projection;
using MedicalExaminer.Perf.Harness;
using MedicalExaminer.SyntheticData;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Perf.Scenarios;

/// <summary>
/// The metrics projection's throughput on a replay: at least <see cref="PerfOptions.MetricsEvents"/> case events
/// (synthetic histories of a year of deaths across the demo offices) are published first; then the real metrics
/// service (the same wiring as in production) replays the topic from offset 0 into an empty schema, and the clock
/// runs until every event is projected. In the same run the <b>projection alone</b> (the same store, batches of
/// the consumer's size, no Kafka) over the same events, and a check that both give identical figures.
/// </summary>
public static class MetricsReplayScenario
{
    public const string Name = "metrics-replay";
    private const int BatchSize = 5000;

    public static async Task<ScenarioResult> RunAsync(PerfEnvironment environment, PerfOptions options, CancellationToken cancellationToken)
    {
        var offices = DemoOffices.All.Select(o => o.OfficeId).ToList();
        var histories = new List<IReadOnlyList<CaseEvent>>();
        var total = 0;
        // Histories average about ten events; generate until the target is reached.
        foreach (var history in SyntheticCaseHistories.Generate(options.Seed, int.MaxValue, offices, new DateOnly(2025, 1, 1), months: 12))
        {
            histories.Add(history);
            total += history.Count;
            if (total >= options.MetricsEvents)
            {
                break;
            }
        }

        var kept = histories.Sum(h => h.Count(e => ProjectedEvent.From(e) is not null));
        Console.WriteLine($"[{Name}] {total:N0} events of {histories.Count:N0} cases ({kept:N0} bear on a metric); publishing");

        var result = new ScenarioResult(Name, $"replay of {total:N0} case events ({histories.Count:N0} cases) from offset 0 into an empty metrics schema");
        string? serviceDb = null;
        if (!options.MetricsStoreOnly)
        {
            var topic = environment.CreateTopic("case-events", options.PartitionsFor(total));
            var published = Stopwatch.GetTimestamp();
            Publish(environment.BootstrapServers, topic, histories);
            Intake.EnsureNothingDeleted(environment.BootstrapServers, topic);
            var publishSeconds = Stopwatch.GetElapsedTime(published).TotalSeconds;

            // The service end to end: consume, project, commit, store offsets.
            serviceDb = await environment.CreateDatabaseAsync("metrics_replay", cancellationToken: cancellationToken);
            var app = ScrutinyMetricsExtensions.BuildMetricsService([], builder =>
            {
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Postgres:ConnectionString"] = serviceDb,
                    ["Kafka:BootstrapServers"] = environment.BootstrapServers,
                    ["Metrics:Consumer:Topic"] = topic,
                    ["Metrics:Consumer:GroupId"] = $"perf-metrics-{Guid.NewGuid():N}",
                    ["Metrics:SnapshotInterval"] = "00:00:00",
                    ["Auth:Jwt:SigningKeys:0"] = Convert.ToBase64String(new byte[48]),
                    ["Logging:LogLevel:Default"] = "Warning",
                });
            });
            var started = Stopwatch.GetTimestamp();
            await app.StartAsync(cancellationToken);
            await WaitForAsync(serviceDb, kept, TimeSpan.FromMinutes(30), cancellationToken);
            var replaySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
            Console.WriteLine($"[{Name}] service replay: {total / replaySeconds:N0} events/s");
            result
                .Figure("replay_events_per_s", Stats.Round(total / replaySeconds), "the service end to end: consume from Kafka, project, commit, store offsets")
                .Figure("replay_seconds", Stats.Round(replaySeconds, 2), "wall time of the replay, service start included")
                .Figure("publish_events_per_s", Stats.Round(total / publishSeconds), "publishing the topic beforehand (not part of the replay)");
        }

        // The projection alone over the same events, in the consumer's batch size, interleaved across cases.
        var storeDb = await environment.CreateDatabaseAsync("metrics_store", cancellationToken: cancellationToken);
        double storeSeconds;
        await using (var dataSource = NpgsqlDataSource.Create(storeDb))
        {
            var store = new ProjectionStore(dataSource);
            var interleaved = Interleave(histories).Select(ProjectedEvent.From).OfType<ProjectedEvent>().ToList();
            var storeStarted = Stopwatch.GetTimestamp();
            foreach (var batch in interleaved.Chunk(BatchSize))
            {
                await store.ApplyAsync(batch, cancellationToken);
            }

            storeSeconds = Stopwatch.GetElapsedTime(storeStarted).TotalSeconds;
        }

        var queried = Stopwatch.GetTimestamp();
        var storeFigures = await FiguresAsync(storeDb, cancellationToken);
        var querySeconds = Stopwatch.GetElapsedTime(queried).TotalSeconds;
        if (serviceDb is not null)
        {
            result.Figure("figures_identical", await FiguresAsync(serviceDb, cancellationToken) == storeFigures ? 1 : 0, "the replayed and the store-only projections give the same figures, monthly and quarterly, suppressed and not (must be 1)");
        }

        return result
            .Figure("events", total, "case events (every type; the projection keeps those that bear on a metric)")
            .Figure("cases", histories.Count, "cases")
            .Figure("kept_events", kept, "events kept in metrics.events")
            .Figure("projection_only_events_per_s", Stats.Round(total / storeSeconds), "the projection store alone (no Kafka, no JSON), consumer-sized batches, cases interleaved")
            .Figure("projection_only_seconds", Stats.Round(storeSeconds, 2), "wall time of the projection-only replay")
            .Figure("figures_query_seconds", Stats.Round(querySeconds, 3), "one set of dashboard queries after the replay: 12 months and 4 quarters, every office, regulator and unsuppressed views")
            .Note($"Partitions: {options.PartitionsFor(total)}; batches of up to {BatchSize} events; Postgres fsync off (throwaway cluster), as everywhere in this harness.");
    }

    /// <summary>Publishes with the idempotent publisher the services use (the relay's), keyed by case id.</summary>
    private static void Publish(string bootstrapServers, string topic, List<IReadOnlyList<CaseEvent>> histories)
    {
        using var publisher = new KafkaPublisher(Options.Create(new KafkaOptions
        {
            BootstrapServers = bootstrapServers,
            ClientId = "me-perf-publisher",
            Producer = { ["linger.ms"] = "20", ["batch.num.messages"] = "10000", ["queue.buffering.max.messages"] = "500000" },
        }));
        var failures = 0;
        var count = 0;
        foreach (var e in Interleave(histories))
        {
            if (++count % 100_000 == 0)
            {
                Console.WriteLine($"[{Name}] {count:N0} published");
            }

            publisher.Enqueue(topic, e.CaseId.ToString(), JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.CaseEvent), SchemaIds.CaseEventV1, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failures);
                }
            });
        }

        publisher.Flush(TimeSpan.FromMinutes(10));
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} case events were not delivered to Kafka.");
        }
    }

    /// <summary>Case histories interleaved as the relay would publish busy offices' work (each case still in order).</summary>
    private static IEnumerable<CaseEvent> Interleave(List<IReadOnlyList<CaseEvent>> histories)
    {
        const int Window = 64;
        for (var start = 0; start < histories.Count; start += Window)
        {
            var group = histories.Skip(start).Take(Window).ToList();
            var longest = group.Max(h => h.Count);
            for (var i = 0; i < longest; i++)
            {
                foreach (var history in group)
                {
                    if (i < history.Count)
                    {
                        yield return history[i];
                    }
                }
            }
        }
    }

    private static async Task WaitForAsync(string connectionString, int expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            // The statistics counter is cheap; confirm with an exact count once it says we are there.
            var inserted = await connection.ExecuteScalarAsync<long>("SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE schemaname = 'metrics' AND relname = 'events'");
            if (inserted >= expected && await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM metrics.events") >= expected)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The metrics projection did not reach {expected:N0} events within {timeout}.");
    }

    private static async Task<string> FiguresAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var report = new ScrutinyReport(new FigureStore(dataSource), Options.Create(new MetricsOptions()));
        var parts = new List<string>();
        foreach (var (from, to) in new[] { (Period.Month(new DateOnly(2025, 1, 1)), Period.Month(new DateOnly(2025, 12, 1))), (Period.Quarter(new DateOnly(2025, 1, 1)), Period.Quarter(new DateOnly(2025, 10, 1))) })
        {
            foreach (var viewer in new[] { MetricsViewer.Regulator, new MetricsViewer(true, null) })
            {
                var table = await report.BuildAsync(new FigureQuery(from, to, [], null), viewer, cancellationToken);
                parts.Add(JsonSerializer.Serialize(table.Rows.Select(r => new { r.OfficeId, Period = r.Period.Label, Figures = r.Figures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value.Value}{(f.Value.Suppressed == true ? "*" : "")}") })));
            }
        }

        return string.Join('\n', parts);
    }
}
