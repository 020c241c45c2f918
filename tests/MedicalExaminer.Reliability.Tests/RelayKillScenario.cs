using MedicalExaminer.Outbox;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// Fault matrix: relay kill between publish and mark — the scrutiny API (the process that relays the casework outbox)
/// runs as a process of its own and is SIGKILLed after Kafka acknowledged a batch and before the batch is marked
/// published (at the batch the seed chooses); a new one takes over. The batch is published again, and the family
/// notifier and the metrics projection, which dedupe by event id, change nothing for it.
/// </summary>
public sealed class RelayKillScenario(PostgresFixture postgres, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task relay_killed_between_publish_and_mark_republishes_and_family_messages_and_metrics_are_unchanged(int seed)
    {
        ServiceProcess? relay = null;
        var (_, downstream) = await DownstreamRun.RunAsync("relay kill between publish and mark", seed, postgres, kafka,
            startCasework: async pipeline => relay = await pipeline.StartWithCrashPointAsync(
                Pipeline.ScrutinyApiApp, pipeline.CaseworkSettings(), OutboxServiceCollectionExtensions.AfterPublishCrashPoint, pipeline.Random.Next(2, 7)),
            strike: async run =>
            {
                // The crash point fires by itself at the chosen batch.
                relay = await run.Pipeline.ReplaceAfterCrashAsync(relay!, Pipeline.ScrutinyApiApp, run.Pipeline.CaseworkSettings());
                return "relay killed itself -9 between publish and mark; restarted";
            },
            messages: counts => counts.EventMessages);

        Assert.True(downstream.Republished > 0, $"the batch published before the kill was published again: {downstream}");
    }
}
