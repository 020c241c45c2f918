using MedicalExaminer.Postgres;
using System.Diagnostics;
using MedicalExaminer.Casework;
using MedicalExaminer.Perf.Harness;

namespace MedicalExaminer.Perf.Scenarios;

/// <summary>
/// Scenarios 1 and 5, intake throughput and memory: a year of deaths is published first, then one intake worker
/// process consumes, validates, triages and persists every case (with reasons and outbox events) and stores its
/// offsets. In the same run, on the same data and machine: the raw limit (binary COPY of the same rows into the
/// same indexed tables, no Kafka) and the naive twin (one message, one transaction, one commit).
/// </summary>
public static class IntakeThroughputScenario
{
    public const string Name = "intake-throughput";

    public static async Task<ScenarioResult> RunAsync(PerfEnvironment environment, PerfOptions options, CancellationToken cancellationToken)
    {
        var partitions = options.PartitionsFor(options.Notifications);
        var topic = environment.CreateTopic("perf-notifications", partitions);
        var deadLetters = environment.CreateTopic("perf-notifications-dlq", 1);
        Console.WriteLine($"[intake] publishing {options.Notifications:N0} notifications to {partitions} partitions");
        var published = Intake.Publish(environment.BootstrapServers, topic, options.Seed, options.Notifications);
        Console.WriteLine($"[intake] published in {published.Seconds:0.0} s; {published.ExpectedCases:N0} distinct valid notifications");

        var intakeDatabase = await environment.CreateDatabaseAsync("intake", cancellationToken: cancellationToken);
        await using var intakeData = PostgresServiceCollectionExtensions.CreateDataSource(intakeDatabase);
        var (pgBefore, harnessBefore) = (environment.PostgresCpuSeconds(), PerfEnvironment.HarnessCpuSeconds());
        var started = Stopwatch.GetTimestamp();
        await using var worker = WorkerProcess.Start(environment.BootstrapServers, intakeDatabase, topic, deadLetters, $"perf-intake-{Guid.NewGuid():N}");
        var intakeSeconds = await Intake.WaitForCasesAsync(intakeData, published.ExpectedCases, started, worker.Sample, cancellationToken);
        var peakRss = worker.PeakRssMiB;
        var perThousand = 1000.0 / published.ExpectedCases;
        var workerCpu = worker.CpuSeconds * perThousand;
        var postgresCpu = (environment.PostgresCpuSeconds() - pgBefore) * perThousand;
        var kafkaCpu = (PerfEnvironment.HarnessCpuSeconds() - harnessBefore) * perThousand;
        var intakeRate = published.Messages / intakeSeconds;
        Console.WriteLine($"[intake] {published.ExpectedCases:N0} cases in {intakeSeconds:0.0} s = {intakeRate:N0} notifications/s; peak RSS {peakRss:0} MiB");
        await worker.DisposeAsync();

        var raw = await RawCopyAsync(environment, options, cancellationToken);
        Console.WriteLine($"[intake] raw COPY: {raw.Rows:N0} cases in {raw.Seconds:0.0} s = {raw.Rows / raw.Seconds:N0} cases/s");
        var naive = await NaiveTwin.RunAsync(environment, topic, Math.Min(options.NaiveNotifications, published.Messages), cancellationToken);
        Console.WriteLine($"[intake] naive twin: {naive.Messages:N0} in {naive.Seconds:0.0} s = {naive.Messages / naive.Seconds:N0} notifications/s");

        var casesPerSecond = published.ExpectedCases / intakeSeconds;
        var rawPerSecond = raw.Rows / raw.Seconds;
        var naivePerSecond = naive.Messages / naive.Seconds;
        return new ScenarioResult(Name, $"{published.Messages:N0} notifications through one intake worker process, with the raw-COPY and naive-twin anchors")
            .Figure("intake_per_s", Stats.Round(intakeRate), "notifications consumed and settled per second, end to end (worker process start to the last case in Postgres)")
            .Figure("intake_cases_per_s", Stats.Round(casesPerSecond), "cases opened per second over the same interval")
            .Figure("intake_seconds_600k", Stats.Round(intakeSeconds * 600_000.0 / published.Messages, 2), "seconds for 600,000 notifications (measured, or scaled from the run's size)")
            .Figure("intake_seconds", Stats.Round(intakeSeconds, 2), "seconds this run took, process start included")
            .Figure("raw_copy_per_s", Stats.Round(rawPerSecond), "cases (with reasons, outbox and history rows) per second by binary COPY straight into the tables")
            .Figure("naive_per_s", Stats.Round(naivePerSecond), $"notifications per second, one transaction and one offset commit each ({naive.Messages:N0} measured)")
            .Figure("intake_vs_raw_pct", Stats.Round(100 * casesPerSecond / rawPerSecond), "intake cases/s as a share of the raw COPY rate")
            .Figure("intake_vs_naive_x", Stats.Round(intakeRate / naivePerSecond, 2), "intake rate over the naive twin's")
            .Figure("intake_peak_rss_mb", Stats.Round(peakRss), "peak resident set of the intake worker process (VmHWM), MiB")
            .Figure("intake_worker_cpu_ms_per_1k", Stats.Round(workerCpu * 1000), "CPU ms the worker process spent per 1,000 cases")
            .Figure("intake_postgres_cpu_ms_per_1k", Stats.Round(postgresCpu * 1000), "CPU ms Postgres spent per 1,000 cases")
            .Figure("intake_kafka_cpu_ms_per_1k", Stats.Round(kafkaCpu * 1000), "CPU ms the harness process (mock brokers, poller) spent per 1,000 cases")
            .Figure("intake_cpu_bound_per_s", Stats.Round(Environment.ProcessorCount * 1000 / (workerCpu + postgresCpu + kafkaCpu) * published.Messages / published.ExpectedCases),
                "notifications/s the machine's cores could sustain at these CPU costs (a ceiling when nothing else runs)")
            .Figure("publish_per_s", Stats.Round(published.Messages / published.Seconds), "publish rate of the idempotent producer (not part of intake)")
            .Figure("notifications", published.Messages, "notifications published (~1 % duplicates, ~0.5 % invalid)")
            .Figure("cases", published.ExpectedCases, "distinct valid notifications = cases expected and found")
            .Note("Postgres runs with fsync off (a throwaway cluster, as in the dev host and tests); the anchors run on the same cluster.")
            .Note("Kafka is librdkafka's mock cluster (3 brokers in the harness process), not a real broker.")
            .Note($"{partitions} partitions; producers compress with zstd (the services' default). The mock keeps 5 MiB a partition, so the topic holds the whole backlog only with enough partitions; the harness checks nothing was deleted.");
    }

    private static async Task<(int Rows, double Seconds)> RawCopyAsync(PerfEnvironment environment, PerfOptions options, CancellationToken cancellationToken)
    {
        var database = await environment.CreateDatabaseAsync("raw-copy", cancellationToken: cancellationToken);
        await using var dataSource = PostgresServiceCollectionExtensions.CreateDataSource(database);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = 0;
        var copying = TimeSpan.Zero;
        var (pgBefore, harnessBefore) = (environment.PostgresCpuSeconds(), 0.0);
        // Building the rows is not timed: the raw limit is the database's, for the rows intake writes.
        foreach (var chunk in SyntheticCases.Open(Intake.Generator(options.Seed).Take(options.Notifications), DateTimeOffset.UtcNow).Chunk(2_000))
        {
            var started = Stopwatch.GetTimestamp();
            harnessBefore -= PerfEnvironment.HarnessCpuSeconds();
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                await CaseIntakeWriter.CopyDirectAsync(connection, chunk, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            copying += Stopwatch.GetElapsedTime(started);
            harnessBefore += PerfEnvironment.HarnessCpuSeconds();
            rows += chunk.Length;
        }

        Console.WriteLine($"[intake] raw COPY CPU per 1,000 cases: Postgres {(environment.PostgresCpuSeconds() - pgBefore) * 1e6 / rows:0} ms, writer {harnessBefore * 1e6 / rows:0} ms");
        return (rows, copying.TotalSeconds);
    }
}
