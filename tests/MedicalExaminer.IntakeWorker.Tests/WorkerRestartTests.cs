using MedicalExaminer.IntakeWorker.Intake;
using MedicalExaminer.Kafka;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.IntakeWorker.Tests;

/// <summary>DESIGN §3: offsets are stored only after the batch's transaction commits; a redelivery is a no-op.</summary>
public sealed class WorkerRestartTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task worker_stopped_after_committing_but_before_storing_offsets_is_restarted_without_duplicates()
    {
        await using var scenario = await IntakeScenario.CreateAsync(postgres, kafka, partitions: 3);
        var notifications = new NotificationGenerator(seed: 41, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0)).Take(2_000).ToList();
        await scenario.PublishAsync(notifications.Select(n => (n.Key, n.Value)));

        // First worker: the real intake handler commits one batch, then the process "dies" before the
        // consume loop can store that batch's offsets.
        var committedFirstBatch = 0L;
        await using (var worker = await IntakeWorkerRunner.BuildAsync(scenario))
        {
            var crashing = new StopsAfterCommit(worker.Services.GetRequiredService<IntakeBatchHandler>());
            var consumer = new BatchConsumer(
                crashing,
                worker.Services.GetRequiredService<IOptions<KafkaOptions>>().Value,
                new BatchConsumerOptions { Topic = scenario.Topic, GroupId = scenario.GroupId, DeadLetterTopic = scenario.DeadLetterTopic, MaxBatchSize = 500, ShutdownDrainTimeout = TimeSpan.Zero },
                worker.Services.GetRequiredService<IKafkaPublisher>(),
                new ConsumerHeartbeat(TimeProvider.System),
                worker.Services.GetRequiredService<KafkaMetrics>(),
                NullLogger<BatchConsumer>.Instance);

            using var stop = new CancellationTokenSource();
            var run = consumer.RunAsync(stop.Token);
            await crashing.Committed.Task.WaitAsync(Deadline);
            committedFirstBatch = await scenario.CaseCountAsync();
            await stop.CancelAsync();
            await run.WaitAsync(Deadline);
        }

        Assert.InRange(committedFirstBatch, 1, 500);
        Assert.True(scenario.CommittedOffsetTotal() == 0, "the abandoned batch's offsets were neither stored nor committed, so it will be redelivered");

        // Restarted worker, same consumer group: it is redelivered the committed batch and must not open those cases twice.
        await using (await IntakeWorkerRunner.StartAsync(scenario))
        {
            await IntakeScenario.WaitUntilAsync(async () => await scenario.CaseCountAsync() >= 2_000, Deadline, "every notification opens a case after the restart");
            await scenario.WaitForGroupToCatchUpAsync(Deadline);
        }

        Assert.Equal(2_000, await scenario.CaseCountAsync());
        Assert.Equal(6_000, await scenario.OutboxCountAsync());
    }

    /// <summary>Runs the real handler once, reports that its transaction committed, then hangs until shutdown abandons the batch.</summary>
    private sealed class StopsAfterCommit(IBatchHandler inner) : IBatchHandler
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task HandleAsync(MessageBatch batch, CancellationToken cancellationToken)
        {
            await inner.HandleAsync(batch, cancellationToken);
            Committed.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
