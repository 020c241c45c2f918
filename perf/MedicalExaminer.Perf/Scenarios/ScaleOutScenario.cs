using MedicalExaminer.Postgres;
using System.Diagnostics;
using MedicalExaminer.Perf.Harness;

namespace MedicalExaminer.Perf.Scenarios;

/// <summary>
/// Scenario 4, scale-out: the same intake with 1, 2 and 4 worker processes in one consumer group on 12
/// partitions. On 2 cores more processes compete for the same CPUs (and with Postgres and the mock brokers),
/// so this shows the cost of coordination, not a speed-up.
/// </summary>
public static class ScaleOutScenario
{
    public const string Name = "scale-out";

    public static async Task<ScenarioResult> RunAsync(PerfEnvironment environment, PerfOptions options, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Name, $"{options.ScaleOutNotifications:N0} notifications through 1, 2 and 4 intake worker processes on {options.Partitions} partitions");
        foreach (var workers in new[] { 1, 2, 4 })
        {
            var topic = environment.CreateTopic($"perf-scale-{workers}", options.Partitions);
            var deadLetters = environment.CreateTopic($"perf-scale-{workers}-dlq", 1);
            var published = Intake.Publish(environment.BootstrapServers, topic, options.Seed, options.ScaleOutNotifications);
            var database = await environment.CreateDatabaseAsync($"scale_{workers}", cancellationToken: cancellationToken);
            await using var dataSource = PostgresServiceCollectionExtensions.CreateDataSource(database);
            var group = $"perf-scale-{Guid.NewGuid():N}";
            var started = Stopwatch.GetTimestamp();
            var processes = Enumerable.Range(0, workers)
                .Select(_ => WorkerProcess.Start(environment.BootstrapServers, database, topic, deadLetters, group))
                .ToList();
            try
            {
                var seconds = await Intake.WaitForCasesAsync(dataSource, published.ExpectedCases, started, () => processes.ForEach(p => p.Sample()), cancellationToken);
                var rate = published.Messages / seconds;
                Console.WriteLine($"[scale-out] {workers} worker(s): {rate:N0} notifications/s");
                result.Figure($"intake_per_s_{workers}_workers", Stats.Round(rate), $"notifications/s with {workers} worker process(es)")
                    .Figure($"peak_rss_mb_sum_{workers}_workers", Stats.Round(processes.Sum(p => p.PeakRssMiB)), $"sum of the {workers} processes' peak RSS, MiB");
            }
            finally
            {
                foreach (var process in processes)
                {
                    await process.DisposeAsync();
                }
            }
        }

        return result.Note("Each run uses a fresh topic, database and consumer group; process start-up and the group's rebalances are inside the measured time.");
    }
}
