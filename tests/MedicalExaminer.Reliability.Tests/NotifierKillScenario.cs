using System.Globalization;
using Dapper;
using MedicalExaminer.FamilyNotifier;
using MedicalExaminer.Notify;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// Fault matrix: notifier kill after send — the family notifier runs as a process of its own and is SIGKILLed after
/// the provider accepted a message (the one the seed chooses) and before the acceptance is recorded; a new one takes
/// over once the lease on the notification runs out. No family gets a message twice.
/// </summary>
public sealed class NotifierKillScenario(PostgresFixture postgres, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task notifier_killed_after_the_provider_accepted_sends_no_family_message_twice(int seed)
    {
        ServiceProcess? notifier = null;
        long foundByReference = 0;
        var (counts, _) = await DownstreamRun.RunAsync("notifier kill after send", seed, postgres, kafka,
            startNotifier: async pipeline => notifier = await pipeline.StartWithCrashPointAsync(
                Pipeline.FamilyNotifierApp, pipeline.NotifierSettings(), FamilyNotifierExtensions.AfterAcceptedCrashPoint, pipeline.Random.Next(3, 30)),
            strike: async run =>
            {
                notifier = await run.Pipeline.ReplaceAfterCrashAsync(notifier!, Pipeline.FamilyNotifierApp, run.Pipeline.NotifierSettings());
                var accepted = run.Pipeline.SinkStore.All().Count;
                await Eventually.HoldsAsync(async () => (foundByReference = await FoundByReferenceAsync(run.Pipeline)) > 0, TimeSpan.FromSeconds(60),
                    "the restarted notifier looks up the message it sent before the kill");
                return string.Create(CultureInfo.InvariantCulture, $"notifier killed itself -9 with {accepted} messages accepted; restarted; found-by-reference={foundByReference}");
            },
            messages: counts => counts.Family.Messages);

        // The message accepted just before the kill was never recorded: the new notifier must have found it at the
        // provider by its reference instead of sending it again.
        Assert.True(foundByReference > 0, $"the restarted notifier found the unrecorded message by reference: {counts}");
    }

    private static async Task<long> FoundByReferenceAsync(Pipeline pipeline)
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM family.attempts WHERE outcome = @found", new { found = AttemptOutcomes.FoundByReference });
    }
}
