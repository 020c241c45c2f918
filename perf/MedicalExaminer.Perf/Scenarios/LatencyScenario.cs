using MedicalExaminer.Postgres;
using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.Perf.Harness;
using MedicalExaminer.SyntheticData;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Perf.Scenarios;

/// <summary>
/// Scenario 2, latency: a steady stream (2,000 notifications/s for 60 s) into a running intake worker; for each
/// case, the time from its publication to the moment it is claimable (committed in a queue). The observer
/// follows the outbox by position: its NotificationReceived row commits in the same transaction as the case.
/// </summary>
public static class LatencyScenario
{
    public const string Name = "latency";

    private const string NewCasesSql = """
        SELECT position AS Position, payload -> 'body' ->> 'notificationId' AS NotificationId
        FROM casework.outbox WHERE position > @after AND event_type = 'NotificationReceived' ORDER BY position
        """;

    public static async Task<ScenarioResult> RunAsync(PerfEnvironment environment, PerfOptions options, CancellationToken cancellationToken)
    {
        var topic = environment.CreateTopic("perf-latency", options.Partitions);
        var deadLetters = environment.CreateTopic("perf-latency-dlq", 1);
        var database = await environment.CreateDatabaseAsync(Name, cancellationToken: cancellationToken);
        await using var dataSource = PostgresServiceCollectionExtensions.CreateDataSource(database);
        await using var worker = WorkerProcess.Start(environment.BootstrapServers, database, topic, deadLetters, $"perf-latency-{Guid.NewGuid():N}");

        // Only valid, distinct notifications: each one must become a case to be measured.
        var generator = new NotificationGenerator(options.Seed + 1, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0));
        using var publisher = new KafkaPublisher(Options.Create(new KafkaOptions { BootstrapServers = environment.BootstrapServers, ClientId = "me-perf-latency" }));
        var publishedAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);

        // Warm up (JIT, connections, group join) before the clock runs: 1 s of traffic, all of it seen.
        await PublishAsync(publisher, generator, topic, options.LatencyRate, TimeSpan.FromSeconds(1), null, cancellationToken);
        await Intake.WaitForCasesAsync(dataSource, options.LatencyRate, Stopwatch.GetTimestamp(), worker.Sample, cancellationToken);
        long after;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            after = await connection.ExecuteScalarAsync<long>("SELECT coalesce(max(position), 0) FROM casework.outbox");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var latencies = new ConcurrentQueue<double>();
        var observer = Task.Run(() => ObserveAsync(dataSource, after, publishedAt, latencies, stop.Token), CancellationToken.None);
        var published = await PublishAsync(publisher, generator, topic, options.LatencyRate, TimeSpan.FromSeconds(options.LatencySeconds), publishedAt, cancellationToken);

        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (latencies.Count < published && Stopwatch.GetTimestamp() < deadline)
        {
            worker.Sample();
            await Task.Delay(50, cancellationToken);
        }

        await stop.CancelAsync();
        await observer;
        var sorted = latencies.Order().ToList();
        return new ScenarioResult(Name, $"{options.LatencyRate:N0} notifications/s for {options.LatencySeconds} s into one intake worker process")
            .Figure("p50_publish_to_claimable_ms", Stats.Round(Stats.Percentile(sorted, 50)), "median time from publish to claimable")
            .Figure("p95_publish_to_claimable_ms", Stats.Round(Stats.Percentile(sorted, 95)), "95th percentile")
            .Figure("p99_publish_to_claimable_ms", Stats.Round(Stats.Percentile(sorted, 99)), "99th percentile")
            .Figure("max_publish_to_claimable_ms", Stats.Round(sorted.Count == 0 ? 0 : sorted[^1]), "slowest case")
            .Figure("published", published, "notifications published in the measured window")
            .Figure("measured", sorted.Count, "cases seen claimable (must equal published)")
            .Figure("latency_peak_rss_mb", Stats.Round(worker.PeakRssMiB), "peak resident set of the intake worker process, MiB")
            .Note("Publish time is taken when the message is handed to the producer; claimable when its case's outbox row is visible to another session (the observer polls every 5 ms).");
    }

    private static async Task<int> PublishAsync(
        KafkaPublisher publisher, NotificationGenerator generator, string topic, int rate, TimeSpan duration,
        ConcurrentDictionary<string, long>? publishedAt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var sent = 0;
        var total = (int)(rate * duration.TotalSeconds);
        while (sent < total)
        {
            // Paced in 5 ms steps: the count due by now, never a burst of the whole second.
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate));
            for (; sent < due; sent++)
            {
                var n = generator.Next();
                publishedAt?.TryAdd(n.Key[(n.Key.IndexOf(':', StringComparison.Ordinal) + 1)..], Stopwatch.GetTimestamp());
                publisher.Enqueue(topic, n.Key, n.Value, SchemaIds.DeathNotificationV1);
            }

            await Task.Delay(5, cancellationToken);
        }

        publisher.Flush(TimeSpan.FromMinutes(1));
        return sent;
    }

    private static async Task ObserveAsync(
        NpgsqlDataSource dataSource, long after, ConcurrentDictionary<string, long> publishedAt, ConcurrentQueue<double> latencies, CancellationToken stop)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            var rows = await connection.QueryAsync<(long Position, string NotificationId)>(NewCasesSql, new { after });
            var now = Stopwatch.GetTimestamp();
            foreach (var row in rows)
            {
                after = row.Position;
                if (publishedAt.TryGetValue(row.NotificationId, out var sentAt))
                {
                    latencies.Enqueue(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
                }
            }

            try
            {
                await Task.Delay(5, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
