using System.Globalization;
using Dapper;
using MedicalExaminer.Notify;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// Fault matrix: provider outage — for a while the Notify sink answers every request with HTTP 500, or so slowly that
/// every attempt times out (the seed chooses which, and for how long); then it recovers. Every family notification is
/// delivered once after the recovery.
/// </summary>
public sealed class ProviderOutageScenario(PostgresFixture postgres, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task provider_outage_delivers_every_family_message_once_after_recovery(int seed)
    {
        long failedAttempts = 0;
        await DownstreamRun.RunAsync("provider outage", seed, postgres, kafka,
            strike: async run =>
            {
                var pipeline = run.Pipeline;
                await run.WaitForDecisionsAsync(5);
                var timeouts = pipeline.Random.Next(2) == 0;
                var span = pipeline.Random.Between(TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3));
                // Timeouts: each attempt waits longer than the notifier's Notify:AttemptTimeout (3 s).
                pipeline.SinkFaults.Set(timeouts ? null : 500, null, timeouts ? TimeSpan.FromSeconds(4) : TimeSpan.Zero);
                try
                {
                    // The outage lasts the span the seed chose, and at least until it has failed a send (a send is
                    // recorded once its retries are over), so that it is never a quiet spell nobody noticed.
                    await Task.Delay(span);
                    await Eventually.HoldsAsync(async () => (failedAttempts = await FailedAttemptsAsync(pipeline)) > 0, TimeSpan.FromSeconds(30),
                        "the outage fails a send");
                }
                finally
                {
                    pipeline.SinkFaults.Set(null, null, TimeSpan.Zero);
                }

                return string.Create(CultureInfo.InvariantCulture,
                    $"provider {(timeouts ? "timing out" : "answering 500")} for {span.TotalSeconds:0.0}s+; failed attempts during the outage={failedAttempts}");
            },
            messages: counts => counts.Family.Messages);

        Assert.True(failedAttempts > 0, "the outage met sends: attempts failed while the provider was down");
    }

    private static async Task<long> FailedAttemptsAsync(Pipeline pipeline)
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM family.attempts WHERE outcome = ANY(@failed)",
            new { failed = new[] { AttemptOutcomes.ProviderError, AttemptOutcomes.Timeout, AttemptOutcomes.CircuitOpen, AttemptOutcomes.NetworkError } });
    }
}
